"""Boot AkiraOS in QEMU and drive its shell over the UART (stdlib only).

Two pieces, usable apart:

- Console: expect logic over any byte stream (a pipe, a pty, a socket): read until a
  text shows up or a deadline passes, send a line, run a shell command and return what
  it printed up to the next prompt. It only needs a file descriptor to read and a
  function to write.
- Qemu: one qemu-system-arm process for a board, started with the firmware and a flash
  image file, its UART on stdio (pipes), bounded in time, killed by pid (SIGKILL, the
  closest thing to pulling the power) and always reaped.

Tests that cannot run because a tool is missing call skip(), which exits with
SKIP_CODE (registered as the test's SKIP_RETURN_CODE in CTest) after one line saying
what is missing.
"""
import atexit
import os
import select
import shutil
import signal
import subprocess
import sys
import time

SKIP_CODE = 77
PROMPT = "akira> "


class Timeout(Exception):
    """An expected text did not show up in time; .output holds what did."""

    def __init__(self, what, output):
        super().__init__(f"timed out waiting for {what!r}")
        self.output = output


def skip(why):
    print(f"SKIP: {why}")
    sys.stdout.flush()
    sys.exit(SKIP_CODE)


def fail(msg, out=""):
    """Ends the test: the message and the tail of the board's output on stderr, exit 1
    (every QEMU still running is killed by pid at exit)."""
    raise SystemExit(f"FAIL: {msg}\n--- output ---\n{out[-8000:]}")


def check(cond, msg, out=""):
    if not cond:
        fail(msg, out)


class Console:
    """Expect over a byte stream: fd is read with select, write(bytes) sends."""

    def __init__(self, fd, write, log=None):
        self.fd = fd
        self._write = write
        self.buf = ""  # received and not consumed yet
        self.transcript = []  # everything received, for failure messages
        self.log = log
        self.eof = False
        self._cr = ""

    def _pump(self, deadline):
        """Reads what is there (waiting at most until deadline); False on timeout/EOF."""
        wait = deadline - time.monotonic()
        if wait <= 0 or self.eof:
            return False
        r, _, _ = select.select([self.fd], [], [], wait)
        if not r:
            return False
        data = os.read(self.fd, 65536)
        if not data:
            self.eof = True
            return False
        # CR LF becomes LF, also when a read ends between the two: a CR at the end of
        # a read waits for the next one (a check for "...\n" failed on a split pair).
        text = self._cr + data.decode("utf-8", "replace")
        self._cr = "\r" if text.endswith("\r") else ""
        text = text[: len(text) - len(self._cr)].replace("\r\n", "\n")
        self.buf += text
        self.transcript.append(text)
        if self.log:
            self.log.write(text)
            self.log.flush()
        return True

    def output(self):
        return "".join(self.transcript)

    def drain(self, timeout=5.0):
        """Reads until end of stream (the process ended) or timeout: what it wrote
        before it died. Returns everything received so far."""
        deadline = time.monotonic() + timeout
        while not self.eof and time.monotonic() < deadline:
            self._pump(deadline)
        return self.output()

    def expect(self, text, timeout):
        """Waits for text; returns what came before it (consumed with it)."""
        deadline = time.monotonic() + timeout
        while text not in self.buf:
            if not self._pump(deadline) and (self.eof or time.monotonic() >= deadline):
                if text in self.buf:
                    break
                raise Timeout(text, self.output())
        before, _, self.buf = self.buf.partition(text)
        return before

    def send(self, text):
        self._write(text.encode())

    def command(self, line, timeout=10.0, prompt=PROMPT):
        """Sends a shell command, returns its output (echo and prompt removed)."""
        self.send(line + "\n")
        out = self.expect(prompt, timeout)
        # A line editor echoes the command; a plain reader does not.
        first, sep, rest = out.partition("\n")
        return rest if sep and first.strip().endswith(line) else out


def need_tools(*tools):
    """skip() unless every tool is on PATH or is an existing file."""
    for t in tools:
        if not (os.path.isfile(t) or shutil.which(t)):
            skip(f"{t} not found (install the Debian package that has it, scripts/packages.txt)")


# Every QEMU this process started: killed by pid at exit (a failed check ends the test
# with sys.exit, and a QEMU left running would go on using its flash file and the CPU).
RUNNING = []


def _kill_all():
    for q in RUNNING:
        try:
            q.kill()
        except Exception:
            pass


atexit.register(_kill_all)


class Qemu:
    """qemu-system-arm for one board: args are the full command line after the binary."""

    def __init__(self, args, binary="qemu-system-arm", log=None, cwd=None):
        self.cmd = [binary] + list(args)
        self.log = log
        self.cwd = cwd
        self.proc = None
        self.console = None

    def start(self):
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, cwd=self.cwd,
                                     start_new_session=True)
        RUNNING.append(self)
        stdin = self.proc.stdin

        def write(data):
            stdin.write(data)
            stdin.flush()

        self.console = Console(self.proc.stdout.fileno(), write, self.log)
        return self.console

    def kill(self):
        """SIGKILL by pid (a power cut: nothing is flushed), then reap. What the
        firmware wrote before the cut stays readable (console.drain())."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc:
            self.proc.wait(timeout=10)

    def wait(self, timeout):
        """Waits for the process to end by itself; kills it past timeout. Its status."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def expect(self, text, timeout):
        """console.expect, but a text that does not show up in time ends the test
        (fail) with what did, after a kill."""
        try:
            return self.console.expect(text, timeout)
        except Timeout as e:
            self.kill()
            fail(str(e), e.output)

    def command(self, line, timeout):
        """console.command; no prompt in time ends the test (fail)."""
        try:
            return self.console.command(line, timeout)
        except Timeout as e:
            self.kill()
            fail(f"no prompt after {line!r}", e.output)

    def exit_status(self, timeout):
        """Waits for the firmware to end QEMU itself (poweroff, a reset under
        -no-reboot, a refusal); its status. Still running after timeout: fail."""
        try:
            return self.wait(timeout)
        except subprocess.TimeoutExpired:
            fail(f"QEMU still running after {timeout} s", self.console.output())

    def poweroff(self, timeout=60):
        """The shell's poweroff must end QEMU with status 0."""
        self.console.send("poweroff\n")
        rc = self.exit_status(timeout)
        check(rc == 0, f"poweroff exits 0 (got {rc})", self.console.output())

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.kill()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        return False


def mps2_boot_files(elf):
    """The bootloader and the signed image built beside the firmware ELF."""
    d = os.path.dirname(elf)
    return os.path.join(d, "akira-boot.elf"), os.path.join(d, "akiraos.img")


def prepare_mps2(elf, work):
    """Before an mps2_an386 test: skip() without QEMU or the firmware, and an empty
    work folder."""
    need_tools("qemu-system-arm")
    for f in (elf,) + mps2_boot_files(elf):
        if not os.path.isfile(f):
            skip(f"{f} not built (arm-none-eabi-gcc missing? `make mcu` builds it)")
    os.makedirs(work, exist_ok=True)
    for f in os.listdir(work):
        os.unlink(os.path.join(work, f))


def mps2_an386_args(elf, flash, firmware_args=(), icount=False, image=None, serial_pty=False,
                    no_reboot=False):
    """QEMU's command line for the mps2_an386 firmware `elf` (build/mps2_an386/bin/
    akiraos.elf), booted as on the board: the bootloader akira-boot.elf beside it at the
    reset vector, which flashes the signed akiraos.img beside it (or `image`) into the
    primary slot on first run and after a rebuild (image="": none), then starts it.
    UART0 on stdio,
    flash0 in the host file `flash` (semihosting), firmware options after it (e.g.
    --install FILE). icount: one instruction = one virtual nanosecond (deterministic
    timing). serial_pty: UART1 on a host pty (QEMU prints its path), UART0 stays the
    console on stdio. no_reboot: a reset ends QEMU instead of rebooting the board."""
    boot, img = mps2_boot_files(elf)
    semi = ["enable=on", "target=native", "arg=akiraos", "arg=--flash", "arg=" + flash]
    if image != "":
        semi += ["arg=--image", "arg=" + (image or img)]
    semi += ["arg=" + a for a in firmware_args]
    args = ["-M", "mps2-an386", "-nographic", "-semihosting-config", ",".join(semi),
            "-kernel", boot]
    if icount:
        args += ["-icount", "shift=0"]
    if serial_pty:
        args = [a for a in args if a != "-nographic"]
        args += ["-display", "none", "-serial", "mon:stdio", "-serial", "pty"]
    if no_reboot:
        args.append("-no-reboot")
    return args
