#!/usr/bin/env python3
"""Integration tests that drive the real native_sim firmware (build/bin/akiraos).

usage: akiraos_test.py AKIRAOS VERSION SCENARIO

Each scenario is one CTest test. Scenarios talk to the binary through a pipe (the way
scripts use it) or through a pseudo-terminal (the way a user types), with timeouts on
every wait so a hang fails the test instead of blocking the suite.
"""
import os
import signal
import sys
import tempfile
import termios
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402

AKIRAOS = sys.argv[1]
VERSION = sys.argv[2]
BANNER = f"AkiraOS {VERSION} (board native_sim)"
EXIT_OK, EXIT_BOOT, EXIT_USAGE, EXIT_WATCHDOG = 0, 1, 2, 3


def run_piped(script, args=(), timeout=10):
    return ad.run_piped(AKIRAOS, script, args, timeout)


def live():
    """The firmware with its console on a pipe that stays open (no flash, no ports)."""
    return ad.Device(AKIRAOS, http=False)


# --- piped scenarios ------------------------------------------------------------------

def t_piped_commands():
    rc, out, _ = run_piped("version\nuptime\nps\npoweroff\n")
    check(rc == EXIT_OK, f"exit status {rc}")
    check(out.count(BANNER) == 2, "banner and `version` output")
    check("[ ok ] kernel" in out, "kernel status line")
    check(out.index("[ ok ] kernel") < out.index("[ ok ] shell"), "layers in order")
    check("up 0d 00:00:" in out, "uptime output")
    for col in ("NAME", "STATE", "PRIO", "STACK", "USED"):
        check(col in out, f"ps column {col}")
    check(" main " in out and " wdt " in out, "ps lists threads")
    check("poweroff: shutting down" in out, "poweroff log line")
    # a pipe gets no prompt and no escape codes
    check("akira> " not in out and "\x1b" not in out, "no prompt or escapes on a pipe")


def t_eof_exits_zero():
    rc, out, _ = run_piped("version")  # no newline: the last line still runs
    check(rc == EXIT_OK, f"exit status {rc}")
    check(out.count(BANNER) == 2, "last line without newline ran")
    check("console closed" in out, "EOF log line")
    rc, out, _ = run_piped("")
    check(rc == EXIT_OK, f"empty input: exit status {rc}")


def t_unknown_and_bad_args():
    script = ("frobnicate 1\nsleep abc\nsleep\nlog level nosuchmod inf\nlog level kernel loud\n"
              "log level kernel\nwdt bogus\nhelp nothing\necho \"open\nlog level\npoweroff\n")
    rc, out, _ = run_piped(script)
    check(rc == EXIT_OK, f"exit status {rc}")
    check("frobnicate: unknown command" in out, "unknown command message")
    check(out.count("usage: sleep MS") == 2, "sleep usage twice")
    check("no module 'nosuchmod'" in out, "unknown module message")
    check("'loud' is not a level" in out, "bad level message")
    check(out.count("usage: log level [MODULE LEVEL]") == 3, "log level usage thrice")
    check("usage: wdt" in out and "usage: help" in out, "usage lines")
    check("unterminated quote" in out, "tokenizer error")
    # nothing changed: kernel still follows the default level
    check("kernel           inf (default)" in out, "levels unchanged")


def t_log_levels():
    script = "log level kernel dbg\nlog level\nlog level default wrn\nlog level\npoweroff\n"
    rc, out, _ = run_piped(script)
    check(rc == EXIT_OK, f"exit status {rc}")
    check("kernel           dbg\n" in out, "module level set")
    check("default level: wrn" in out, "default level set")
    check("board            wrn (default)" in out, "modules follow the default")
    rc, out, _ = run_piped("log level\npoweroff\n", ["--log-level", "dbg"])
    check("default level: dbg" in out, "--log-level sets the default")


def t_log_and_help():
    rc, out, _ = run_piped("log\nhelp\nhelp log level\nmem\nwdt\npoweroff\n")
    check(rc == EXIT_OK, f"exit status {rc}")
    check("<inf> kernel:" in out and "entries shown" in out, "log ring shown")
    for cmd in ("help", "version", "uptime", "ps", "mem", "log", "wdt", "sleep", "reboot",
                "poweroff"):
        check(f"\n  {cmd} " in out, f"help lists {cmd}")
    check("usage: log level [MODULE LEVEL]" in out, "help for a subcommand")
    check("system heap:" in out and "app heap pool: total" in out, "mem output")
    check("hardware: fed, timeout 2000 ms" in out, "wdt shows the hardware watchdog")


def t_board_command():
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "f.img")
        rc, out, _ = run_piped("board\npoweroff\n", ["--flash", img, "--http-port", "8123"])
    check(rc == EXIT_OK, f"exit status {rc}")
    check("apps: 8 installed (slots of 224 KiB), 2 running" in out, "app limits")
    check(f"flash: 8192 KiB, sector 4096, write block 4, image {img}" in out, "flash")
    for row in ("bootloader     0x000000     64 KiB", "app-store      0x330000   2048 KiB",
                "fs             0x540000   2816 KiB"):
        check(row in out, f"partition row {row!r}")
    check("ports: http 8123, shell 2323" in out, "ports from the command line")


def t_sleep():
    rc, out, secs = run_piped("sleep 400\nuptime\npoweroff\n")
    check(rc == EXIT_OK, f"exit status {rc}")
    check(secs >= 0.4, f"sleep 400 took only {secs:.3f} s")
    line = [l for l in out.splitlines() if l.startswith("up ")][0]
    ms = int(line.split("(")[1].split()[0])
    check(ms >= 400, f"uptime {ms} ms after sleep 400")


def t_reboot():
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "flash.img")
        rc, out, _ = run_piped("uptime\nreboot\nversion\npoweroff\n", ["--flash", img])
        check(rc == EXIT_OK, f"exit status {rc}")
        check("reboot: shutting down" in out, "reboot log line")
        # banner of boot 1, banner of boot 2, then `version`
        check(out.count(BANNER) == 3, "second boot's banner")
        check(out.count("created erased") == 1 and out.count(img) == 2,
              "the flash image survives the reboot")
        check(out.count("[ ok ] kernel") == 2, "two boots")


def t_sigterm():
    dev = live()
    dev.send("sleep 100000\n")
    time.sleep(0.2)  # let the sleep start: SIGTERM must also end a running command
    dev.p.send_signal(signal.SIGTERM)
    rc = dev.wait(5)
    out = dev.output()
    check(rc == EXIT_OK, f"SIGTERM exit status {rc}")
    check("signal 15" in out and "shutting down" in out, "SIGTERM log line")
    check("kernel stopped" in out, "clean kernel shutdown")


def t_watchdog():
    dev = live()
    t0 = time.monotonic()
    dev.send("wdt starve\n")
    rc = dev.wait(8)
    secs = time.monotonic() - t0
    check(rc == EXIT_WATCHDOG, f"watchdog exit status {rc}")
    check("hardware watchdog expired" in dev.output(), "watchdog log line")
    # channel timeout (0.1 s) + hardware timeout (2 s): not before, not much later
    check(1.9 <= secs <= 5, f"reset after {secs:.2f} s")


def t_options():
    rc, out, _ = run_piped("", ["--help"])
    check(rc == EXIT_OK and "--flash FILE" in out and "--shell-port" in out, "--help")
    check("[ ok ] kernel" not in out, "--help does not boot")
    for bad in (["--http-port", "0"], ["--http-port", "65536"], ["--shell-port", "x"],
                ["--http-port"], ["--log-level", "loud"], ["--bogus"], ["stray"],
                ["--help=yes"], ["--flash", ""]):
        rc, out, _ = run_piped("poweroff\n", bad)
        check(rc == EXIT_USAGE, f"{bad}: exit status {rc}")
        check("usage: akiraos" in out and "[ ok ] kernel" not in out, f"{bad}: usage")
    rc, out, _ = run_piped("poweroff\n", ["--http-port=8081", "--shell-port", "2324",
                                          "--log-level=err"])
    check(rc == EXIT_OK, f"valid options: exit status {rc}")
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "flash.img")
        rc, out, _ = run_piped("poweroff\n", ["--flash", img])
        check(rc == EXIT_OK, f"--flash: exit status {rc}")
        data = open(img, "rb").read()
        # created erased; the boot then formats settings and fs (from 0x530000 on),
        # and nothing else is written
        check(len(data) == 8 * 1024 * 1024 and data[:0x530000] == b"\xff" * 0x530000,
              "flash image is 8 MiB, erased outside the storage partitions")
        # an existing image is kept as it is
        with open(img, "r+b") as f:
            f.write(b"\x00\x01")
        rc, out, _ = run_piped("poweroff\n", ["--flash", img])
        check(rc == EXIT_OK and "created" not in out, "existing image reused")
        check(open(img, "rb").read(2) == b"\x00\x01", "existing image untouched")
        # a wrong-sized image is refused, not overwritten
        short = os.path.join(d, "short.img")
        open(short, "wb").write(b"\xff" * 100)
        rc, out, _ = run_piped("poweroff\n", ["--flash", short])
        check(rc == EXIT_BOOT and "[FAIL] flash image" in out, "wrong size refused")
        check(f"{short} has the wrong size: expected 8388608 bytes, the file has 100" in out,
              "the sizes are said")
        check(os.path.getsize(short) == 100, "wrong-size image untouched")
        rc, out, _ = run_piped("poweroff\n", ["--flash", d])
        check(rc == EXIT_BOOT and f"{d} is not a regular file" in out, "a directory")


def t_flash_lock():
    """A second akiraos on the same --flash file is refused while the first runs."""
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "flash.img")
        first = ad.Device(AKIRAOS, img, http=False)
        rc, out, _ = run_piped("settings set x 1\npoweroff\n", ["--flash", img])
        check(rc == EXIT_BOOT, f"second process: exit status {rc}")
        check("[FAIL] flash image" in out and f"{img} is in use by another akiraos process" in out,
              "second process: clear message")
        check("[ ok ] kernel" not in out, "second process did not boot")
        # the first one is unaffected and still owns the image
        first.command("uptime", "up 0d ")
        rc = first.poweroff(10)
        check(rc == EXIT_OK, f"first process: exit status {rc}")
        # once the first has exited, the image is free again
        rc, out, _ = run_piped("poweroff\n", ["--flash", img])
        check(rc == EXIT_OK and "[ ok ] flash image" in out, "image free after exit")


# --- terminal scenarios -----------------------------------------------------------------

def tty():
    """The firmware on a pseudo-terminal, typed at like a user would, at its prompt."""
    return ad.Device(AKIRAOS, http=False, tty=True, wait_boot="akira> ")


def command(t, keys, expect):
    """Types keys at a fresh prompt and waits for expect, then the next prompt."""
    t.send(keys)
    t.expect(expect)
    t.expect("akira> ")


UP, LEFT, RIGHT = "\x1b[A", "\x1b[D", "\x1b[C"
C_A, C_D, C_E, C_K, C_U, TAB, BS = "\x01", "\x04", "\x05", "\x0b", "\x15", "\t", "\x7f"


def t_tty_editing():
    t = tty()
    # raw mode: the tty no longer echoes or edits by itself
    attrs = termios.tcgetattr(t.slave)
    check(not attrs[3] & termios.ECHO and not attrs[3] & termios.ICANON, "raw mode")

    command(t, "version\r", "(board native_sim)\r\n")
    # history: Up recalls `version`, Enter runs it again
    command(t, UP + "\r", "(board native_sim)\r\n")
    # Ctrl-A inserts at the start, Ctrl-E goes back to the end
    command(t, "ersio" + C_A + "v" + C_E + "n\r", "(board native_sim)\r\n")
    # Ctrl-U kills to the start of the line
    command(t, "frobnicate" + C_U + "uptime\r", "up 0d ")
    # arrows and Ctrl-K: cut " junk" off the end
    command(t, "version junk" + LEFT * 5 + C_K + "\r", "(board native_sim)\r\n")
    # backspace in the middle, right arrow
    command(t, "uptXime" + LEFT * 3 + BS + RIGHT + "\r", "up 0d ")
    # TAB completes a command and a subcommand
    command(t, "upt" + TAB + "\r", "up 0d ")
    command(t, "log le" + TAB + "\r", "default level:")
    # TAB with several candidates lists them
    t.send("p" + TAB)
    t.expect("poweroff  ps")
    t.send(C_U)
    # unknown commands are still refused with a usage line on a terminal
    command(t, "nope\r", "usage:")
    check("nope: unknown command" in t.output(), "unknown command on tty")
    # `frobnicate` was killed, never run
    check("frobnicate: unknown" not in t.output(), "killed text never ran")

    # Ctrl-D on an empty line powers off with status 0 and gives the terminal back
    t.send(C_D)
    rc = t.wait(5)
    check(rc == EXIT_OK, f"Ctrl-D exit status {rc}")
    attrs = termios.tcgetattr(t.slave)
    check(attrs[3] & termios.ECHO and attrs[3] & termios.ICANON, "terminal mode restored")


def t_tty_sigterm_restores():
    t = tty()
    t.send("vers")  # a half-typed line
    time.sleep(0.1)
    t.p.send_signal(signal.SIGTERM)
    rc = t.wait(5)
    check(rc == EXIT_OK, f"SIGTERM exit status {rc}")
    attrs = termios.tcgetattr(t.slave)
    check(attrs[3] & termios.ECHO and attrs[3] & termios.ICANON, "terminal mode restored")


def t_tty_log_redraw_and_watchdog():
    t = tty()
    command(t, "wdt starve\r", "expect a watchdog reset")
    # a log line arriving while a line is half typed is printed above it, and the
    # prompt with the typed text is redrawn below it
    t.send("vers")
    t.expect("channel starve expired")
    t.expect("akira> vers")
    t.send("ion\r")
    t.expect("(board native_sim)\r\n")
    rc = t.wait(5)
    check(rc == EXIT_WATCHDOG, f"watchdog exit status {rc}")
    attrs = termios.tcgetattr(t.slave)
    check(attrs[3] & termios.ECHO and attrs[3] & termios.ICANON,
          "terminal mode restored after a watchdog reset")


SCENARIOS = {name[2:]: fn for name, fn in globals().items() if name.startswith("t_")}

if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(f"usage: {sys.argv[0]} AKIRAOS VERSION {{{'|'.join(SCENARIOS)}}}")
    ad.main(SCENARIOS, sys.argv[3])
