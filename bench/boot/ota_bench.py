"""OTA figures on native_sim (bench/RESULTS.md, "OTA and the bootloader").

    python3 bench/boot/ota_bench.py BUILD_DIR

A 1 MiB firmware image (the stripped akiraos with padding behind it: the ELF loader
ignores trailing bytes, so it still runs) is uploaded over HTTP three times (write speed
into the secondary slot, verification included), then the device reboots: the swap
time is akira-boot's own figure, and the times from the reboot request to the test
boot and to the confirmed firmware are taken on the console (the self-test watches for
3 s before it confirms).
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "harness"))
import akira_device as ad  # noqa: E402


def main():
    build = sys.argv[1]
    tmp = ad.tempdir()
    stripped = os.path.join(build, "boards/native_sim/boot/akiraos.stripped")
    payload = os.path.join(tmp.name, "big.elf")
    data = open(stripped, "rb").read()
    with open(payload, "wb") as f:
        f.write(data + os.urandom(1024 * 1024 - 0x200 - 164 - len(data)))
    img = os.path.join(tmp.name, "big.img")
    subprocess.run([os.path.join(build, "bin/akira"), "image", "sign", "--key",
                    os.path.join(build, "keys/dev.key"), "--version", "0.9.0", payload, img],
                   check=True, capture_output=True)
    body = open(img, "rb").read()
    d = ad.Device(os.path.join(build, "bin/akira-boot"),
                  flash=os.path.join(tmp.name, "flash.img"),
                  boot=["--image", os.path.join(build, "bin/akiraos.img")])
    speeds = []
    for _ in range(3):
        t0 = time.monotonic()
        st, b = d.call("POST", "/api/ota", token=d.token, body=body)
        dt = time.monotonic() - t0
        ad.check(st == 200, f"upload {st} {b}")
        speeds.append(len(body) / dt / 1024)
    print(f"image {len(body)} bytes; HTTP upload into the secondary slot: "
          + ", ".join(f"{s:.0f}" for s in speeds) + " KiB/s")
    t0 = time.monotonic()
    st, b = d.call("POST", "/api/reboot", token=d.token)
    swap = d.expect(rb"swap done in (\d+) ms", 30, regex=True)
    d.expect("TEST boot", 30)
    t_test = time.monotonic() - t0
    d.expect("firmware confirmed", 30)
    t_conf = time.monotonic() - t0
    print(f"swap of the 1 MiB image: {swap} ms; reboot request to test boot: {t_test:.2f} s; "
          f"to confirmed: {t_conf:.2f} s (3 s of it the self-test's watch)")
    d.finish()


if __name__ == "__main__":
    main()
