#!/usr/bin/env python3
"""Integration tests that drive the real native_sim firmware (build/bin/akiraos).

usage: akiraos_test.py AKIRAOS VERSION SCENARIO

Each scenario is one CTest test. Scenarios talk to the binary through a pipe (the way
scripts use it) or through a pseudo-terminal (the way a user types), with timeouts on
every wait so a hang fails the test instead of blocking the suite.
"""
import os
import pty
import select
import signal
import subprocess
import sys
import tempfile
import termios
import time

AKIRAOS = sys.argv[1]
VERSION = sys.argv[2]
BANNER = f"AkiraOS {VERSION} (board native_sim)"
EXIT_OK, EXIT_BOOT, EXIT_USAGE, EXIT_WATCHDOG = 0, 1, 2, 3


def fail(msg, out=""):
    sys.stderr.write(f"FAIL: {msg}\n--- output ---\n{out}\n")
    sys.exit(1)


def check(cond, msg, out=""):
    if not cond:
        fail(msg, out)


def run_piped(script, args=(), timeout=10):
    """Runs the firmware with script on stdin; returns (status, stdout, seconds)."""
    t0 = time.monotonic()
    p = subprocess.run([AKIRAOS, *args], input=script.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), time.monotonic() - t0


class Live:
    """A running firmware whose stdin stays open, read line-wise with timeouts."""

    def __init__(self, args=()):
        self.p = subprocess.Popen([AKIRAOS, *args], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.out = ""

    def send(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def expect(self, needle, timeout=5.0):
        end = time.monotonic() + timeout
        fd = self.p.stdout.fileno()
        while needle not in self.out:
            left = end - time.monotonic()
            if left <= 0:
                fail(f"timed out waiting for {needle!r}", self.out)
            r, _, _ = select.select([fd], [], [], left)
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    fail(f"output ended before {needle!r}", self.out)
                self.out += chunk.decode(errors="replace")

    def wait(self, timeout=5.0):
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            fail("process did not exit in time", self.out)
        self.out += self.p.stdout.read().decode(errors="replace")
        return rc


# --- piped scenarios ------------------------------------------------------------------

def t_piped_commands():
    rc, out, _ = run_piped("version\nuptime\nps\npoweroff\n")
    check(rc == EXIT_OK, f"exit status {rc}", out)
    check(out.count(BANNER) == 2, "banner and `version` output", out)
    check("[ ok ] kernel" in out, "kernel status line", out)
    check(out.index("[ ok ] kernel") < out.index("[ ok ] shell"), "layers in order", out)
    check("up 0d 00:00:" in out, "uptime output", out)
    for col in ("NAME", "STATE", "PRIO", "STACK", "USED"):
        check(col in out, f"ps column {col}", out)
    check(" main " in out and " wdt " in out, "ps lists threads", out)
    check("poweroff: shutting down" in out, "poweroff log line", out)
    # a pipe gets no prompt and no escape codes
    check("akira> " not in out and "\x1b" not in out, "no prompt or escapes on a pipe", out)


def t_eof_exits_zero():
    rc, out, _ = run_piped("version")  # no newline: the last line still runs
    check(rc == EXIT_OK, f"exit status {rc}", out)
    check(out.count(BANNER) == 2, "last line without newline ran", out)
    check("console closed" in out, "EOF log line", out)
    rc, out, _ = run_piped("")
    check(rc == EXIT_OK, f"empty input: exit status {rc}", out)


def t_unknown_and_bad_args():
    script = ("frobnicate 1\nsleep abc\nsleep\nlog level nosuchmod inf\nlog level kernel loud\n"
              "log level kernel\nwdt bogus\nhelp nothing\necho \"open\nlog level\npoweroff\n")
    rc, out, _ = run_piped(script)
    check(rc == EXIT_OK, f"exit status {rc}", out)
    check("frobnicate: unknown command" in out, "unknown command message", out)
    check(out.count("usage: sleep MS") == 2, "sleep usage twice", out)
    check("no module 'nosuchmod'" in out, "unknown module message", out)
    check("'loud' is not a level" in out, "bad level message", out)
    check(out.count("usage: log level [MODULE LEVEL]") == 3, "log level usage thrice", out)
    check("usage: wdt" in out and "usage: help" in out, "usage lines", out)
    check("unterminated quote" in out, "tokenizer error", out)
    # nothing changed: kernel still follows the default level
    check("kernel           inf (default)" in out, "levels unchanged", out)


def t_log_levels():
    script = "log level kernel dbg\nlog level\nlog level default wrn\nlog level\npoweroff\n"
    rc, out, _ = run_piped(script)
    check(rc == EXIT_OK, f"exit status {rc}", out)
    check("kernel           dbg\n" in out, "module level set", out)
    check("default level: wrn" in out, "default level set", out)
    check("board            wrn (default)" in out, "modules follow the default", out)
    rc, out, _ = run_piped("log level\npoweroff\n", ["--log-level", "dbg"])
    check("default level: dbg" in out, "--log-level sets the default", out)


def t_log_and_help():
    rc, out, _ = run_piped("log\nhelp\nhelp log level\nmem\nwdt\npoweroff\n")
    check(rc == EXIT_OK, f"exit status {rc}", out)
    check("<inf> kernel:" in out and "entries shown" in out, "log ring shown", out)
    for cmd in ("help", "version", "uptime", "ps", "mem", "log", "wdt", "sleep", "reboot",
                "poweroff"):
        check(f"\n  {cmd} " in out, f"help lists {cmd}", out)
    check("usage: log level [MODULE LEVEL]" in out, "help for a subcommand", out)
    check("system heap:" in out and "app heap pool: total" in out, "mem output", out)
    check("hardware: fed, timeout 2000 ms" in out, "wdt shows the hardware watchdog", out)


def t_board_command():
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "f.img")
        rc, out, _ = run_piped("board\npoweroff\n", ["--flash", img, "--http-port", "8123"])
    check(rc == EXIT_OK, f"exit status {rc}", out)
    check("apps: 8 installed (slots of 224 KiB), 2 running" in out, "app limits", out)
    check(f"flash: 8192 KiB, sector 4096, write block 4, image {img}" in out, "flash", out)
    for row in ("bootloader     0x000000     64 KiB", "app-store      0x330000   2048 KiB",
                "fs             0x540000   2816 KiB"):
        check(row in out, f"partition row {row!r}", out)
    check("ports: http 8123, shell 2323" in out, "ports from the command line", out)


def t_sleep():
    rc, out, secs = run_piped("sleep 400\nuptime\npoweroff\n")
    check(rc == EXIT_OK, f"exit status {rc}", out)
    check(secs >= 0.4, f"sleep 400 took only {secs:.3f} s", out)
    line = [l for l in out.splitlines() if l.startswith("up ")][0]
    ms = int(line.split("(")[1].split()[0])
    check(ms >= 400, f"uptime {ms} ms after sleep 400", out)


def t_reboot():
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "flash.img")
        rc, out, _ = run_piped("uptime\nreboot\nversion\npoweroff\n", ["--flash", img])
        check(rc == EXIT_OK, f"exit status {rc}", out)
        check("reboot: shutting down" in out, "reboot log line", out)
        # banner of boot 1, banner of boot 2, then `version`
        check(out.count(BANNER) == 3, "second boot's banner", out)
        check(out.count("created erased") == 1 and out.count(img) == 2,
              "the flash image survives the reboot", out)
        check(out.count("[ ok ] kernel") == 2, "two boots", out)


def t_sigterm():
    live = Live()
    live.expect("boot complete")
    live.send("sleep 100000\n")
    time.sleep(0.2)  # let the sleep start: SIGTERM must also end a running command
    live.p.send_signal(signal.SIGTERM)
    rc = live.wait(5)
    check(rc == EXIT_OK, f"SIGTERM exit status {rc}", live.out)
    check("signal 15" in live.out and "shutting down" in live.out, "SIGTERM log line", live.out)
    check("kernel stopped" in live.out, "clean kernel shutdown", live.out)


def t_watchdog():
    live = Live()
    live.expect("boot complete")
    t0 = time.monotonic()
    live.send("wdt starve\n")
    rc = live.wait(8)
    secs = time.monotonic() - t0
    check(rc == EXIT_WATCHDOG, f"watchdog exit status {rc}", live.out)
    check("hardware watchdog expired" in live.out, "watchdog log line", live.out)
    # channel timeout (0.1 s) + hardware timeout (2 s): not before, not much later
    check(1.9 <= secs <= 5, f"reset after {secs:.2f} s", live.out)


def t_options():
    rc, out, _ = run_piped("", ["--help"])
    check(rc == EXIT_OK and "--flash FILE" in out and "--shell-port" in out, "--help", out)
    check("[ ok ] kernel" not in out, "--help does not boot", out)
    for bad in (["--http-port", "0"], ["--http-port", "65536"], ["--shell-port", "x"],
                ["--http-port"], ["--log-level", "loud"], ["--bogus"], ["stray"],
                ["--help=yes"], ["--flash", ""]):
        rc, out, _ = run_piped("poweroff\n", bad)
        check(rc == EXIT_USAGE, f"{bad}: exit status {rc}", out)
        check("usage: akiraos" in out and "[ ok ] kernel" not in out, f"{bad}: usage", out)
    rc, out, _ = run_piped("poweroff\n", ["--http-port=8081", "--shell-port", "2324",
                                          "--log-level=err"])
    check(rc == EXIT_OK, f"valid options: exit status {rc}", out)
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "flash.img")
        rc, out, _ = run_piped("poweroff\n", ["--flash", img])
        check(rc == EXIT_OK, f"--flash: exit status {rc}", out)
        data = open(img, "rb").read()
        # created erased; the boot then formats settings and fs (from 0x530000 on),
        # and nothing else is written
        check(len(data) == 8 * 1024 * 1024 and data[:0x530000] == b"\xff" * 0x530000,
              "flash image is 8 MiB, erased outside the storage partitions", out)
        # an existing image is kept as it is
        with open(img, "r+b") as f:
            f.write(b"\x00\x01")
        rc, out, _ = run_piped("poweroff\n", ["--flash", img])
        check(rc == EXIT_OK and "created" not in out, "existing image reused", out)
        check(open(img, "rb").read(2) == b"\x00\x01", "existing image untouched", out)
        # a wrong-sized image is refused, not overwritten
        short = os.path.join(d, "short.img")
        open(short, "wb").write(b"\xff" * 100)
        rc, out, _ = run_piped("poweroff\n", ["--flash", short])
        check(rc == EXIT_BOOT and "[FAIL] flash image" in out, "wrong size refused", out)
        check(f"{short} has the wrong size: expected 8388608 bytes, the file has 100" in out,
              "the sizes are said", out)
        check(os.path.getsize(short) == 100, "wrong-size image untouched", out)
        rc, out, _ = run_piped("poweroff\n", ["--flash", d])
        check(rc == EXIT_BOOT and f"{d} is not a regular file" in out, "a directory", out)


def t_flash_lock():
    """A second akiraos on the same --flash file is refused while the first runs."""
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "flash.img")
        first = Live(["--flash", img])
        try:
            first.expect("boot complete")
            rc, out, _ = run_piped("settings set x 1\npoweroff\n", ["--flash", img])
            check(rc == EXIT_BOOT, f"second process: exit status {rc}", out)
            check("[FAIL] flash image" in out and
                  f"{img} is in use by another akiraos process" in out,
                  "second process: clear message", out)
            check("[ ok ] kernel" not in out, "second process did not boot", out)
            # the first one is unaffected and still owns the image
            first.send("uptime\n")
            first.expect("up 0d ")
            first.send("poweroff\n")
            rc = first.wait(10)
            check(rc == EXIT_OK, f"first process: exit status {rc}", first.out)
        finally:
            if first.p.poll() is None:
                first.p.kill()
                first.p.wait()
        # once the first has exited, the image is free again
        rc, out, _ = run_piped("poweroff\n", ["--flash", img])
        check(rc == EXIT_OK and "[ ok ] flash image" in out, "image free after exit", out)


# --- terminal scenarios -----------------------------------------------------------------

class Tty:
    """The firmware on a pseudo-terminal, typed at like a user would."""

    def __init__(self):
        self.master, self.slave = pty.openpty()
        self.p = subprocess.Popen([AKIRAOS], stdin=self.slave, stdout=self.slave,
                                  stderr=self.slave, close_fds=True)
        self.out = ""
        self.mark = 0

    def read_until(self, needle, timeout=5.0):
        end = time.monotonic() + timeout
        while needle not in self.out[self.mark:]:
            left = end - time.monotonic()
            if left <= 0:
                fail(f"timed out waiting for {needle!r}", self.out)
            r, _, _ = select.select([self.master], [], [], left)
            if r:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    fail(f"terminal closed before {needle!r}", self.out)
                self.out += chunk.decode(errors="replace")
        self.mark = self.out.index(needle, self.mark) + len(needle)

    def type(self, keys):
        os.write(self.master, keys.encode())

    def command(self, keys, expect):
        """Types keys at a fresh prompt and waits for expect in what follows."""
        self.type(keys)
        self.read_until(expect)
        self.read_until("akira> ")


UP, LEFT, RIGHT = "\x1b[A", "\x1b[D", "\x1b[C"
C_A, C_D, C_E, C_K, C_U, TAB, BS = "\x01", "\x04", "\x05", "\x0b", "\x15", "\t", "\x7f"


def t_tty_editing():
    t = Tty()
    t.read_until("akira> ")
    # raw mode: the tty no longer echoes or edits by itself
    attrs = termios.tcgetattr(t.slave)
    check(not attrs[3] & termios.ECHO and not attrs[3] & termios.ICANON, "raw mode", t.out)

    t.command("version\r", "(board native_sim)\r\n")
    # history: Up recalls `version`, Enter runs it again
    t.command(UP + "\r", "(board native_sim)\r\n")
    # Ctrl-A inserts at the start, Ctrl-E goes back to the end
    t.command("ersio" + C_A + "v" + C_E + "n\r", "(board native_sim)\r\n")
    # Ctrl-U kills to the start of the line
    t.command("frobnicate" + C_U + "uptime\r", "up 0d ")
    # arrows and Ctrl-K: cut " junk" off the end
    t.command("version junk" + LEFT * 5 + C_K + "\r", "(board native_sim)\r\n")
    # backspace in the middle, right arrow
    t.command("uptXime" + LEFT * 3 + BS + RIGHT + "\r", "up 0d ")
    # TAB completes a command and a subcommand
    t.command("upt" + TAB + "\r", "up 0d ")
    t.command("log le" + TAB + "\r", "default level:")
    # TAB with several candidates lists them
    t.type("p" + TAB)
    t.read_until("poweroff  ps")
    t.type(C_U)
    # unknown commands are still refused with a usage line on a terminal
    t.command("nope\r", "usage:")
    check("nope: unknown command" in t.out, "unknown command on tty", t.out)
    # `frobnicate` was killed, never run
    check("frobnicate: unknown" not in t.out, "killed text never ran", t.out)

    # Ctrl-D on an empty line powers off with status 0 and gives the terminal back
    t.type(C_D)
    try:
        rc = t.p.wait(5)
    except subprocess.TimeoutExpired:
        t.p.kill()
        fail("Ctrl-D did not end the process", t.out)
    check(rc == EXIT_OK, f"Ctrl-D exit status {rc}", t.out)
    attrs = termios.tcgetattr(t.slave)
    check(attrs[3] & termios.ECHO and attrs[3] & termios.ICANON, "terminal mode restored",
          t.out)


def t_tty_sigterm_restores():
    t = Tty()
    t.read_until("akira> ")
    t.type("vers")  # a half-typed line
    time.sleep(0.1)
    t.p.send_signal(signal.SIGTERM)
    try:
        rc = t.p.wait(5)
    except subprocess.TimeoutExpired:
        t.p.kill()
        fail("SIGTERM did not end the process", t.out)
    check(rc == EXIT_OK, f"SIGTERM exit status {rc}", t.out)
    attrs = termios.tcgetattr(t.slave)
    check(attrs[3] & termios.ECHO and attrs[3] & termios.ICANON, "terminal mode restored",
          t.out)


def t_tty_log_redraw_and_watchdog():
    t = Tty()
    t.read_until("akira> ")
    t.command("wdt starve\r", "expect a watchdog reset")
    # a log line arriving while a line is half typed is printed above it, and the
    # prompt with the typed text is redrawn below it
    t.type("vers")
    t.read_until("channel starve expired")
    t.read_until("akira> vers")
    t.type("ion\r")
    t.read_until("(board native_sim)\r\n")
    try:
        rc = t.p.wait(5)
    except subprocess.TimeoutExpired:
        t.p.kill()
        fail("the hardware watchdog did not end the process", t.out)
    check(rc == EXIT_WATCHDOG, f"watchdog exit status {rc}", t.out)
    attrs = termios.tcgetattr(t.slave)
    check(attrs[3] & termios.ECHO and attrs[3] & termios.ICANON,
          "terminal mode restored after a watchdog reset", t.out)


SCENARIOS = {name[2:]: fn for name, fn in globals().items() if name.startswith("t_")}

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[3] not in SCENARIOS:
        sys.exit(f"usage: {sys.argv[0]} AKIRAOS VERSION {{{'|'.join(SCENARIOS)}}}")
    SCENARIOS[sys.argv[3]]()
    print(f"{sys.argv[3]}: ok")
