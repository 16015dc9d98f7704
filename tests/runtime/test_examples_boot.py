#!/usr/bin/env python3
"""`make run` with the SDK examples: akiraos --install FILE... on a fresh flash image
installs them at the first boot (hello and counter autostart), skips them at the next
boot (an app of that name is installed, even another version: a user's own app
is kept, also across `reboot`) while the counter goes on counting, reports a bad
package and still boots, shows pong's subscription in `ipc`, and refuses a bare
--install or a 17th.

usage: test_examples_boot.py AKIRAOS APP_DIR AKIRA
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402

EXAMPLES = ["hello", "counter", "ping", "pong", "blink-timer"]


def boot(akiraos, flash, installs, commands):
    args = ["--flash", flash]
    for path in installs:
        args += ["--install", path]
    script = "".join(c + "\n" for c in commands + ["poweroff"])
    rc, out, _ = ad.run_piped(akiraos, script, args, timeout=20)
    return rc, out


def expect(cond, what, out=None):
    check(cond, what)


def t_examples_boot(akiraos, app_dir, akira):
    files = [os.path.join(app_dir, name + ".wasm") for name in EXAMPLES]
    with ad.tempdir() as tmp:
        flash = os.path.join(tmp, "flash.img")
        bad = os.path.join(tmp, "not-a-package.wasm")
        with open(bad, "w") as f:
            f.write("hello\n")
        cmds = ["sleep 1000", "app list", "app logs hello", "app logs counter"]
        rc, out = boot(akiraos, flash, files + [bad], cmds)
        expect(rc == 0, "first boot exits 0", out)
        for name, path in zip(EXAMPLES, files):
            expect("[ ok ] install %s: %s 1.0.0\n" % (path, name) in out,
                   "first boot installs " + name, out)
        expect("[FAIL] install %s (module:" % bad in out, "a bad package is reported", out)
        expect("app manager: 5 apps, 2 autostarted" in out, "hello and counter autostart", out)
        expect("5 installed, at most 2 running" in out, "app list shows the five", out)
        expect("Hello from AkiraOS!" in out, "hello greets", out)
        expect("run 1 (history.txt 6 bytes)" in out, "counter counts its first run", out)

        rc, out = boot(akiraos, flash, files, cmds)
        expect(rc == 0, "second boot exits 0", out)
        for name, path in zip(EXAMPLES, files):
            expect("[ ok ] install %s: %s 1.0.0 already installed\n" % (path, name) in out,
                   "second boot keeps " + name, out)
        expect("run 2 (history.txt 12 bytes)" in out, "the count survives the reboot", out)
        expect("run 1 (" not in out, "no fresh start", out)

        # A user's own app named like an example (another version) is kept: by the
        # next boot with --install and by `reboot`.
        mine = os.path.join(tmp, "my-hello.wasm")
        mf = os.path.join(tmp, "my-hello.manifest")
        with open(mf, "w") as f:
            f.write("name: hello\nversion: 7.0.0\nmemory_quota: 128K\nstack_size: 8K\n")
        r = subprocess.run([akira, "pack", files[0], "-o", mine, "--manifest", mf],
                           capture_output=True, text=True)
        expect(r.returncode == 0, f"pack my hello: {r.stderr}")
        rc, out = boot(akiraos, flash, files, ["app install " + mine, "reboot", "app list"])
        expect(rc == 0 and "installed hello 7.0.0" in out, "my hello installed", out)
        expect(out.count("[ ok ] install %s: hello 7.0.0 already installed\n" % files[0]) == 1,
               "reboot keeps my hello", out)
        rc, out = boot(akiraos, flash, files, ["app list"])
        expect("[ ok ] install %s: hello 7.0.0 already installed\n" % files[0] in out and
               "hello 1.0.0" not in out, "the next boot keeps my hello", out)

        rc, out = boot(akiraos, flash, [],
                       ["sleep 1000", "app start ping", "sleep 1000", "app logs ping"])
        expect("nobody listens on ping (start pong)" in out, "ping without pong says so", out)

        # The ipc command: pong's subscription, and a message published from the shell.
        rc, out = boot(akiraos, flash, [], ["sleep 1000", "app start pong", "sleep 500", "ipc",
                                            "ipc pub ping hi", "sleep 500", "app logs pong"])
        expect("pong               1 ping" in out, "ipc lists pong's subscription", out)
        expect("queued for 1 subscribers" in out, "ipc pub reaches pong", out)
        expect("answered 1" in out, "pong answers the shell's message", out)

        rc, out, _ = ad.run_piped(akiraos, "", ["--install"], timeout=10)
        expect(rc == 2 and "--install" in out, "a bare --install is refused")
        rc, out, _ = ad.run_piped(akiraos, "", ["--install", files[0]] * 17, timeout=10)
        expect(rc == 2 and "at most 16 --install" in out, "a 17th --install is refused")


if __name__ == "__main__":
    ad.main({"examples_boot": t_examples_boot}, "examples_boot", *sys.argv[1:4])
