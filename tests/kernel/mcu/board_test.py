#!/usr/bin/env python3
"""End-to-end tests of the mps2_an386 board firmware in QEMU (the board's drivers, not
the layers above), booted as always through the bootloader (bin/akira-boot.elf, which
flashes bin/akiraos.img on first run): flash0 survives a killed QEMU, a wrong-sized
image is refused by the bootloader and left alone, a starved watchdog resets the board, a plain fault (bus, usage, escalated to
hard) is reported with the registers and the thread and resets the board.

usage: board_test.py TREE SCENARIO     (TREE: build/mps2_an386)

Exit 77 (CTest skip) when qemu-system-arm is missing. Every wait has a timeout and every
QEMU started is killed by its pid.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "harness"))
import qemu  # noqa: E402

TREE, SCENARIO = sys.argv[1], sys.argv[2]
ELF = os.path.join(TREE, "bin", "akiraos.elf")
FLASH_SIZE = 3584 * 1024

qemu.need_tools("qemu-system-arm")
for f in (ELF,) + qemu.mps2_boot_files(ELF):
    if not os.path.exists(f):
        qemu.fail(f"no {f} (mcu.build failed?)")


LAST = []  # the board booted last: its output goes with a failure


def Board(flash, no_reboot=False):
    """The board booted through its bootloader on flash, console on stdio (line mode)."""
    q = qemu.Qemu(qemu.mps2_an386_args(ELF, flash, ["--plain"], no_reboot=no_reboot))
    q.start()
    LAST[:] = [q]
    return q


def send(q, line):
    q.console.send(line + "\n")  # --plain reads lines ended by LF


def fail(msg):
    qemu.fail(msg, LAST[0].console.output() if LAST else "")


def persist(tmp):
    flash = os.path.join(tmp, "flash.img")
    board = Board(flash)
    board.expect("created erased", 20)
    board.expect("[ ok ] shell", 20)
    send(board, "settings set akira/test/persist 4242")
    send(board, "settings get akira/test/persist")
    board.expect("4242", 20)
    board.kill()  # a power cut: no shutdown, nothing flushed by the firmware
    if os.path.getsize(flash) != FLASH_SIZE:
        fail(f"flash image is {os.path.getsize(flash)} bytes, not {FLASH_SIZE}")
    board = Board(flash)
    seen = board.expect("[ ok ] shell", 20)
    if "created erased" in seen:
        fail("the image was recreated instead of reused")
    send(board, "settings get akira/test/persist")
    board.expect("4242", 20)
    send(board, "poweroff")
    if board.exit_status(20) != 0:
        fail("poweroff did not end QEMU with status 0")


def wrong_size(tmp):
    flash = os.path.join(tmp, "small.img")
    with open(flash, "wb") as f:
        f.write(b"\x12" * 1000)
    board = Board(flash)
    # The bootloader refuses it: the firmware lives in that flash, nothing can boot.
    board.expect("not a flash0-sized file (left untouched)", 20)
    if board.exit_status(20) != 1:
        fail("the bootloader did not stop QEMU with status 1")
    with open(flash, "rb") as f:
        if f.read() != b"\x12" * 1000:
            fail("the refused image was changed")


def watchdog(tmp):
    board = Board(os.path.join(tmp, "flash.img"), no_reboot=True)
    board.expect("[ ok ] shell", 20)
    t0 = time.monotonic()
    send(board, "wdt starve")
    board.expect("hardware watchdog expired", 30)
    took = time.monotonic() - t0
    # -no-reboot: the reset ends QEMU.
    board.exit_status(20)
    if took < 1.0:
        fail(f"reset after {took:.1f} s: before the 2 s hardware timeout could run out")


def symbol_range(name):
    """[start, end) of a function of the firmware, from arm-none-eabi-nm (Thumb bit off)."""
    out = subprocess.run(["arm-none-eabi-nm", "-S", ELF], capture_output=True, text=True,
                         check=True).stdout
    m = re.search(r"^([0-9a-f]+) ([0-9a-f]+) [tT] " + re.escape(name) + "$", out, re.M)
    if not m:
        fail(f"no symbol {name} in {ELF}")
    start = int(m.group(1), 16) & ~1
    return start, start + int(m.group(2), 16)


def faults(tmp):
    """A plain fault (not a stack overflow) is reported with the registers and the
    faulting thread, then the board resets and boots again."""
    board = Board(os.path.join(tmp, "flash.img"))
    board.expect("[ ok ] shell", 20)
    lo, hi = symbol_range("cmd_fault")
    # kind: the handler's name, and the status bits it must show (CFSR PRECISERR +
    # BFARVALID with BFAR the bad address; HFSR FORCED for the escalation; CFSR
    # UNDEFINSTR).
    cases = [("bus", "BusFault", r"cfsr 00008200 hfsr 00000000 mmfar \w+ bfar 90000000"),
             ("hard", "HardFault", r"cfsr 00008200 hfsr 40000000 mmfar \w+ bfar 90000000"),
             ("usage", "UsageFault", r"cfsr 00010000 hfsr 00000000")]
    for kind, name, status in cases:
        send(board, f"fault {kind}")
        seen = board.expect("*** resetting", 30)
        if f"*** {name} in thread main" not in seen:
            fail(f"fault {kind}: no '{name} in thread main' line:\n{seen}")
        if "stack overflow" in seen:
            fail(f"fault {kind} reported as a stack overflow:\n{seen}")
        m = re.search(r"pc  ([0-9a-f]{8})", seen)
        if not m or not lo <= int(m.group(1), 16) < hi:
            fail(f"fault {kind}: stacked pc not in cmd_fault [{lo:#x}, {hi:#x}):\n{seen}")
        for reg in ("r0 ", "r12", "r4 ", "r8 ", "sp "):
            if f"  {reg}" not in seen:
                fail(f"fault {kind}: register {reg.strip()} not reported:\n{seen}")
        if not re.search(status, seen):
            fail(f"fault {kind}: status registers not /{status}/:\n{seen}")
        # The handler's own reset boots the firmware again (not the hardware watchdog
        # biting a handler that hung), which comes back to its shell.
        seen = board.expect("AkiraOS ", 30)
        if "watchdog" in seen:
            fail(f"fault {kind}: the handler did not reset, the watchdog did:\n{seen}")
        board.expect("[ ok ] shell", 60)
    send(board, "poweroff")
    if board.exit_status(20) != 0:
        fail("poweroff did not end QEMU with status 0")


SCENARIOS = {"persist": persist, "wrong_size": wrong_size, "watchdog": watchdog,
             "faults": faults}

with tempfile.TemporaryDirectory() as d:
    SCENARIOS[SCENARIO](d)
print(f"{SCENARIO}: ok")
