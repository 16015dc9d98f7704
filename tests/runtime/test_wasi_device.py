#!/usr/bin/env python3
"""WASI apps on the device, end to end (build/bin/akiraos).

usage: test_wasi_device.py AKIRAOS AKIRA APP_DIR WORKDIR

Installs wasi_fs.wasm (tests/runtime/apps/wasi_fs.c, a wasi-libc program) with the
storage capability through the console and runs it: it writes, reads, lists, renames and
removes files and directories in its own directory, reads the clocks and random_get,
tries to climb out, and writes until its quota refuses (EDQUOT), then keeps working.
The device must keep running (a shell command answers after it) and power off cleanly.
The same program converted to preview 0 (tools/akira-wasm/wasi_p0.py) runs the same way
through module wasi0, and p0_abi.wasm (tests/cli/apps) checks preview 0's own layouts on
the device. The same app without the storage capability gets no directory at all. An
app asleep in poll_oneoff stops at once; revoking storage from a running app refuses
its next file call.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402

AKIRAOS, AKIRA, APPS, WORK = sys.argv[1:5]

EXPECTED = [
    "preopen 3: yes",
    "mkdir notes: ok",
    "read back: 2 lines, last: second line",
    "stat: ok size 25",
    "seek+read: 456",
    "ls notes: a.txt b.txt",
    "rename: ok",
    "ls notes/: a.txt c.txt",
    "escape ../x: Capabilities insufficient",
    "rmdir notes (not empty): Directory not empty",
    "monotonic: slept >= 20ms: yes",
    "realtime: since boot: yes",
    "random differs: yes",
    "write at quota: EDQUOT",
    "unlink big.bin: ok",
    "create after: ok",
    "rmdir notes: ok",
    "ls .:",
    "wasi fs done",
]


def run_app(dev, pkg, name, done):
    """Installs and starts app `name`, waits for its line `done`: the console since."""
    since = len(dev.output())
    dev.command(f"app install {pkg}", f"installed {name}", 30)
    dev.command(f"app start {name}", f"{name}: started")
    dev.wait_for(f"{name}: {done}", 90)
    return dev.output()[since:]


def check_fs_app(dev, name, out):
    for line in EXPECTED:
        check(f"{name}: {line}" in out, f"missing {line!r} in {name}'s log")
    check(f"{name}: quota: EDQUOT after " in out, f"{name}: the quota did not refuse with EDQUOT")
    kib = int(out.split(f"{name}: quota: EDQUOT after ")[1].split()[0])
    check(100 <= kib <= 256, f"{name}: refused after {kib} KiB, quota is 256 KiB")
    # the device kept running: the app ended normally (its last line is logged just
    # before main returns), the shell answers
    deadline = time.monotonic() + 20
    while True:
        since = len(dev.output())
        dev.command(f"app info {name}", "flash wear:", 10)
        info = dev.output()[since:]
        if "state:       running" not in info or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    check("state:       stopped: returned 0" in info, f"{name} did not end normally: {info}")
    check("storage:     0 of 16 files, 0 of 256 KiB" in info, f"{name}'s files were not removed")


def main():
    os.makedirs(WORK, exist_ok=True)
    flash = os.path.join(WORK, "wasi_flash.img")
    if os.path.exists(flash):
        os.remove(flash)

    def pack(src, name, **manifest):
        manifest = {"name": name, "version": "1", "memory_quota": 524288, **manifest}
        return ad.pack_app(AKIRA, os.path.join(APPS, src), os.path.join(WORK, name + ".wasm"),
                           manifest=manifest)

    storage = {"capabilities": "storage", "flash_write_burst": 1048576}
    dev = ad.Device(AKIRAOS, flash, http=False)
    out = run_app(dev, pack("wasi_fs.wasm", "wasifs", **storage), "wasifs", "wasi fs done")
    check_fs_app(dev, "wasifs", out)
    # the same program as preview 0 (module wasi0 where the ABIs agree)
    out = run_app(dev, pack("wasi_fs_p0.wasm", "wasifs0", **storage), "wasifs0", "wasi fs done")
    check_fs_app(dev, "wasifs0", out)
    # the parts of preview 0 that differ, called directly
    out = run_app(dev, pack("p0_abi.wasm", "p0abi", capabilities="storage"), "p0abi",
                  "  event userdata, no error, clock type: ")
    check("FAIL" not in out and out.count(": ok") >= 16, f"preview-0 ABI on the device: {out}")

    # no storage capability: no preopen, so wasi-libc finds no directory for any path
    out = run_app(dev, pack("wasi_fs.wasm", "wasinocap"), "wasinocap",
                  "create notes/a.txt: Capabilities insufficient")
    check("wasinocap: preopen 3: none" in out and
          "wasinocap: mkdir notes: Capabilities insufficient" in out,
          "an app without the storage capability reached a directory")
    # storage revoked while the app runs: its next file call is refused
    out = run_app(dev, pack("wasi_revoke.wasm", "wasirev", capabilities="storage"), "wasirev",
                  "before revoke: ok")
    dev.command("app caps wasirev revoke storage", "wasirev", 10)
    dev.wait_for("wasirev: after revoke: ", 30)
    check("wasirev: after revoke: Capabilities insufficient" in dev.output(),
          "a file call after the revoke was not refused")
    # an app asleep in poll_oneoff (sleep(3600)) stops at once when asked
    since = len(dev.output())
    dev.command(f"app install {pack('wasi_sleeper.wasm', 'wasisleep')}", "installed wasisleep", 30)
    dev.command("app start wasisleep", "wasisleep: started")
    time.sleep(0.5)
    t0 = time.monotonic()
    dev.command("app stop wasisleep", "wasisleep: stopped", 10)
    check(time.monotonic() - t0 < 5, "stopping a sleeping WASI app took more than 5 s")
    dev.finish()


if __name__ == "__main__":
    ad.main({"wasi_device": main}, "wasi_device")
