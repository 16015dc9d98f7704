#!/usr/bin/env python3
"""The spec suite on mps2_an386 in QEMU (tests/spec/mcu): boots the runner's image with
the command lists of LIST, on the interpreter or (aot) on the thumbv7em native code
beside each module, and prints what the board printed; CTest matches the totals
(tests/spec/CMakeLists.txt). QEMU is bounded in time (TIMEOUT s) and killed by pid.

usage: run_spec.py IMAGE LIST interp|aot

Exit 77 (CTest skip) when qemu-system-arm or arm-none-eabi-gcc is missing; the runner's
status otherwise (0: nothing failed).
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "harness"))
import qemu  # noqa: E402

IMAGE, LIST, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
TIMEOUT = 150

qemu.need_tools("qemu-system-arm", "arm-none-eabi-gcc")
if not os.path.exists(IMAGE):
    qemu.fail(f"no {IMAGE} (mcu.build failed?)")
with open(LIST) as f:
    for path in f.read().split():
        if not os.path.exists(path[: -len(".json")] + ".aot-stamp"):
            qemu.fail(f"no {path}'s native code (the build's target spec_aot_thumbv7em)")

args = ["spectest"] + (["--aot"] if MODE == "aot" else []) + [LIST]
# -no-reboot: a reset ends QEMU; the runner's fault hook ends it with status 70.
q = qemu.Qemu(["-M", "mps2-an386", "-display", "none", "-monitor", "none", "-serial", "stdio",
               "-no-reboot", "-semihosting-config",
               "enable=on,target=native," + ",".join("arg=" + a for a in args),
               "-kernel", IMAGE])
t0 = time.monotonic()
q.start()
q.expect("mcu-test: exit ", TIMEOUT)
rc = q.exit_status(30)
out = q.console.drain()  # what QEMU wrote after the expected text, up to its end
sys.stdout.write(out)
print(f"({MODE}: {time.monotonic() - t0:.1f} s in QEMU, status {rc})")
sys.exit(rc)
