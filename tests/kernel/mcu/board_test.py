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
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TREE, SCENARIO = sys.argv[1], sys.argv[2]
ELF = os.path.join(TREE, "bin", "akiraos.elf")
BOOT = os.path.join(TREE, "bin", "akira-boot.elf")
IMAGE = os.path.join(TREE, "bin", "akiraos.img")
FLASH_SIZE = 3584 * 1024

if not shutil.which("qemu-system-arm"):
    print("SKIP: qemu-system-arm not installed (Debian package qemu-system-arm)")
    sys.exit(77)
for f in (ELF, BOOT, IMAGE):
    if not os.path.exists(f):
        print(f"FAIL: no {f} (mcu.build failed?)")
        sys.exit(1)


class Board:
    def __init__(self, flash, no_reboot=False):
        args = ["qemu-system-arm", "-M", "mps2-an386", "-display", "none", "-monitor", "none",
                "-serial", "stdio", "-semihosting-config",
                f"enable=on,target=native,arg=akiraos,arg=--flash,arg={flash},arg=--plain,"
                f"arg=--image,arg={IMAGE}", "-kernel", BOOT]
        if no_reboot:
            args.append("-no-reboot")
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.out = b""

    def expect(self, text, timeout=20):
        """Reads until text appears; fails after timeout seconds."""
        deadline = time.monotonic() + timeout
        want = text.encode()
        while want not in self.out:
            left = deadline - time.monotonic()
            if left <= 0:
                fail(f"no {text!r} within {timeout} s")
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 4096)
                if not chunk:
                    fail(f"QEMU ended before {text!r}")
                self.out += chunk
        idx = self.out.index(want) + len(want)
        seen, self.out = self.out[:idx], self.out[idx:]
        return seen.decode(errors="replace")

    def send(self, line):
        self.p.stdin.write((line + "\n").encode())  # --plain reads lines ended by LF
        self.p.stdin.flush()

    def kill(self):
        if self.p.poll() is None:
            os.kill(self.p.pid, signal.SIGKILL)
        self.p.wait(timeout=10)

    def wait_exit(self, timeout):
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            fail(f"QEMU still running after {timeout} s")


board = None


def fail(msg):
    out = board.out.decode(errors="replace") if board else ""
    sys.stderr.write(f"FAIL: {msg}\n--- unread output ---\n{out}\n")
    if board:
        board.kill()
    sys.exit(1)


def persist(tmp):
    global board
    flash = os.path.join(tmp, "flash.img")
    board = Board(flash)
    board.expect("created erased")
    board.expect("[ ok ] shell")
    board.send("settings set akira/test/persist 4242")
    board.send("settings get akira/test/persist")
    board.expect("4242")
    board.kill()  # a power cut: no shutdown, nothing flushed by the firmware
    if os.path.getsize(flash) != FLASH_SIZE:
        fail(f"flash image is {os.path.getsize(flash)} bytes, not {FLASH_SIZE}")
    board = Board(flash)
    seen = board.expect("[ ok ] shell")
    if "created erased" in seen:
        fail("the image was recreated instead of reused")
    board.send("settings get akira/test/persist")
    board.expect("4242")
    board.send("poweroff")
    if board.wait_exit(20) != 0:
        fail("poweroff did not end QEMU with status 0")


def wrong_size(tmp):
    global board
    flash = os.path.join(tmp, "small.img")
    with open(flash, "wb") as f:
        f.write(b"\x12" * 1000)
    board = Board(flash)
    # The bootloader refuses it: the firmware lives in that flash, nothing can boot.
    board.expect("not a flash0-sized file (left untouched)")
    if board.wait_exit(20) != 1:
        fail("the bootloader did not stop QEMU with status 1")
    with open(flash, "rb") as f:
        if f.read() != b"\x12" * 1000:
            fail("the refused image was changed")


def watchdog(tmp):
    global board
    board = Board(os.path.join(tmp, "flash.img"), no_reboot=True)
    board.expect("[ ok ] shell")
    t0 = time.monotonic()
    board.send("wdt starve")
    board.expect("hardware watchdog expired", timeout=30)
    took = time.monotonic() - t0
    # -no-reboot: the reset ends QEMU.
    board.wait_exit(20)
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
    global board
    board = Board(os.path.join(tmp, "flash.img"))
    board.expect("[ ok ] shell")
    lo, hi = symbol_range("cmd_fault")
    # kind: the handler's name, and the status bits it must show (CFSR PRECISERR +
    # BFARVALID with BFAR the bad address; HFSR FORCED for the escalation; CFSR
    # UNDEFINSTR).
    cases = [("bus", "BusFault", r"cfsr 00008200 hfsr 00000000 mmfar \w+ bfar 90000000"),
             ("hard", "HardFault", r"cfsr 00008200 hfsr 40000000 mmfar \w+ bfar 90000000"),
             ("usage", "UsageFault", r"cfsr 00010000 hfsr 00000000")]
    for kind, name, status in cases:
        board.send(f"fault {kind}")
        seen = board.expect("*** resetting", timeout=30)
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
        seen = board.expect("AkiraOS ", timeout=30)
        if "watchdog" in seen:
            fail(f"fault {kind}: the handler did not reset, the watchdog did:\n{seen}")
        board.expect("[ ok ] shell", timeout=60)
    board.send("poweroff")
    if board.wait_exit(20) != 0:
        fail("poweroff did not end QEMU with status 0")


SCENARIOS = {"persist": persist, "wrong_size": wrong_size, "watchdog": watchdog,
             "faults": faults}

with tempfile.TemporaryDirectory() as d:
    SCENARIOS[SCENARIO](d)
print(f"{SCENARIO}: ok")
