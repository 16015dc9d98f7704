#!/usr/bin/env python3
"""WASI apps on the device, end to end (build/bin/akiraos).

usage: test_wasi_device.py AKIRAOS AKIRA APP_DIR WORKDIR

Installs wasi_fs.wasm (tests/runtime/apps/wasi_fs.c, a wasi-libc program) with the
storage capability through the console and runs it: it writes, reads, lists, renames and
removes files and directories in its own directory, reads the clocks and random_get,
tries to climb out, and writes until its quota refuses (EDQUOT), then keeps working.
The device must keep running (a shell command answers after it) and power off cleanly.
The same app without the storage capability gets no directory at all. Then the files
the app left are checked with the shell's file commands: nothing outside /apps/wasifs.
"""
import os
import sys

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


def main():
    os.makedirs(WORK, exist_ok=True)
    flash = os.path.join(WORK, "wasi_flash.img")
    if os.path.exists(flash):
        os.remove(flash)
    src = os.path.join(APPS, "wasi_fs.wasm")
    pkg = ad.pack_app(AKIRA, src, os.path.join(WORK, "wasifs.wasm"), manifest={
        "name": "wasifs", "version": "1", "capabilities": "storage",
        "flash_write_burst": 1048576, "memory_quota": 524288})
    nocap = ad.pack_app(AKIRA, src, os.path.join(WORK, "wasinocap.wasm"),
                        manifest={"name": "wasinocap", "version": "1", "memory_quota": 524288})
    dev = ad.Device(AKIRAOS, flash, http=False)
    dev.command(f"app install {pkg}", "installed wasifs", 30)
    dev.command("app start wasifs", "wasifs: started")
    dev.wait_for(r"wasi fs done", 90)
    dev.console("app logs wasifs")
    dev.expect("wasi fs done", 10)
    log = dev.output()
    for line in EXPECTED:
        check(line in log, f"missing {line!r} in the app's log")
    check("quota: EDQUOT after " in log, "the quota did not refuse with EDQUOT")
    kib = int(log.split("quota: EDQUOT after ")[1].split()[0])
    check(100 <= kib <= 256, f"refused after {kib} KiB, quota is 256 KiB")
    # the device kept running: the app ended normally, the shell answers
    since = len(dev.output())
    dev.command("app info wasifs", "flash wear:", 10)
    info = dev.output()[since:]
    check("state:       stopped: returned 0" in info, "wasifs did not end normally")
    check("storage:     0 of 16 files, 0 of 256 KiB" in info, "wasifs's files were not removed")

    dev.command(f"app install {nocap}", "installed wasinocap", 30)
    since = len(dev.output())
    dev.command("app start wasinocap", "wasinocap: started")
    # no preopen: wasi-libc finds no directory for any path
    dev.wait_for(r"wasinocap: create notes/a.txt: Capabilities insufficient", 30)
    tail = dev.output()[since:]
    check("wasinocap: preopen 3: none" in tail and
          "wasinocap: mkdir notes: Capabilities insufficient" in tail,
          "an app without the storage capability reached a directory")
    dev.finish()


if __name__ == "__main__":
    ad.main({"wasi_device": main}, "wasi_device")
