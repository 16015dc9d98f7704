#!/usr/bin/env python3
"""An installed app whose bytes rot on the flash is reported corrupt and not run.

usage: test_appstore_corrupt.py AKIRAOS APP_DIR

Boots akiraos on a fresh flash image with --install hello.wasm (it autostarts and
greets), flips one byte of hello's greeting inside the image file (the package still
parses: only the app store's chunk CRC sees it), and boots again: the boot reports the
app corrupt by name, does not list it and does not run it. A fresh install then works.
"""
import os
import sys
import tempfile

# boot(akiraos, flash, installs, commands) and expect(cond, what, out), shared with the
# examples' boot test beside this file
from test_examples_boot import boot, expect

GREETING = b"Hello from AkiraOS!"


def main():
    akiraos, app_dir = sys.argv[1], sys.argv[2]
    hello = os.path.join(app_dir, "hello.wasm")
    with open(hello, "rb") as f:
        package = f.read()
    at = package.find(GREETING)
    expect(at >= 0, "hello.wasm holds its greeting", "")
    with tempfile.TemporaryDirectory() as tmp:
        flash = os.path.join(tmp, "flash.img")
        rc, out = boot(akiraos, flash, [hello], ["sleep 500"])
        expect(rc == 0, "first boot exits 0", out)
        expect("[ ok ] install %s: hello 1.0.0" % hello in out, "hello installed", out)
        expect(GREETING.decode() in out, "hello runs", out)

        with open(flash, "r+b") as f:
            image = f.read()
            where = image.find(package)
            expect(where >= 0 and image.find(package, where + 1) < 0,
                   "the package is in the image once", "")
            # 'H' -> 'I': a greeting that still prints, if the app ran
            f.seek(where + at)
            f.write(bytes([package[at] ^ 0x01]))

        rc, out = boot(akiraos, flash, [], ["sleep 500", "app list"])
        expect(rc == 0, "second boot exits 0", out)
        expect("app hello is corrupt (a chunk fails its CRC): not loaded" in out,
               "the corrupt app is reported by name", out)
        expect("app store: 0 apps installed, 1 corrupt" in out, "the boot line counts it", out)
        expect("app manager: 0 apps, 0 autostarted" in out, "nothing autostarted", out)
        expect("ello from AkiraOS!" not in out, "the corrupt app did not run", out)
        expect("\nhello " not in out, "app list does not show it", out)

        # reinstalling it replaces the corrupt copy
        rc, out = boot(akiraos, flash, [hello], ["sleep 500"])
        expect(rc == 0, "third boot exits 0", out)
        expect("[ ok ] install %s: hello 1.0.0\n" % hello in out, "reinstalled", out)
        expect(GREETING.decode() in out, "the reinstalled app runs", out)
        rc, out = boot(akiraos, flash, [], [])
        expect(rc == 0 and "1 corrupt" not in out and "app store: 1 apps installed" in out,
               "nothing corrupt after the reinstall", out)
    print("ok")


if __name__ == "__main__":
    main()
