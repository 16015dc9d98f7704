#!/usr/bin/env python3
"""Integration tests of storage on the real native_sim firmware (build/bin/akiraos).

usage: akiraos_storage_test.py AKIRAOS SCENARIO

A value set with `settings set` and a file written with `fs write` must still be there
after `reboot` and after the process is killed with SIGKILL; the shell history comes
back after a reboot. Every wait has a timeout, so a hang fails instead of blocking.
"""
import os
import pty
import select
import signal
import subprocess
import sys
import tempfile
import time

AKIRAOS = sys.argv[1]


def fail(msg, out=""):
    sys.stderr.write(f"FAIL: {msg}\n--- output ---\n{out}\n")
    sys.exit(1)


def check(cond, msg, out=""):
    if not cond:
        fail(msg, out)


def run_piped(script, args, timeout=20):
    p = subprocess.run([AKIRAOS, *args], input=script.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace")


def t_reboot():
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "flash.img")
        rc, out = run_piped(
            "settings set akira/name device-one\n"
            "fs mkdir /logs\n"
            "fs write /logs/boot.txt \"hello flash\"\n"
            "reboot\n"
            "settings get akira/name\n"
            "fs cat /logs/boot.txt\n"
            "fs ls /logs\n"
            "poweroff\n", ["--flash", img])
        check(rc == 0, f"exit status {rc}", out)
        after = out.split("reboot: shutting down", 1)
        check(len(after) == 2, "the firmware rebooted", out)
        check("device-one" in after[1], "setting kept across reboot", out)
        check("hello flash" in after[1], "file kept across reboot", out)
        check("boot.txt" in after[1], "directory listing after reboot", out)
        check("fs formatted" not in after[1] and "(formatted)" not in after[1],
              "the second boot did not format", out)


def t_sigkill():
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "flash.img")
        p = subprocess.Popen([AKIRAOS, "--flash", img], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = ""
        # The last command prints a marker only after the two before it returned, so
        # the data was acknowledged when the kill comes.
        p.stdin.write(b"settings set app/demo/color blue\n"
                      b"fs write /note.txt \"survives a kill\"\n"
                      b"settings get app/demo/color\n")
        p.stdin.flush()
        end = time.monotonic() + 10
        fd = p.stdout.fileno()
        while "blue" not in out:
            left = end - time.monotonic()
            if left <= 0:
                p.kill()
                fail("no answer before the kill", out)
            r, _, _ = select.select([fd], [], [], left)
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    fail("firmware exited early", out)
                out += chunk.decode(errors="replace")
        p.send_signal(signal.SIGKILL)
        p.wait(5)
        check(p.returncode == -signal.SIGKILL, f"killed by SIGKILL ({p.returncode})", out)
        rc, out2 = run_piped("settings get app/demo/color\nfs cat /note.txt\n"
                             "settings list app/\npoweroff\n", ["--flash", img])
        check(rc == 0, f"exit status {rc}", out2)
        check(out2.count("blue") >= 2, "setting kept after SIGKILL", out2)
        check("survives a kill" in out2, "file kept after SIGKILL", out2)
        check("(formatted)" not in out2, "the boot after the kill did not format", out2)


def t_sigkill_stream():
    """SIGKILL at arbitrary moments of a stream of writes (a kill can land inside a
    flash write): the next boot mounts without formatting, and the setting and the
    file hold the last acknowledged value or a newer one, never garbage."""
    import random
    rnd = random.Random(4)
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "flash.img")
        floor = -1
        for run in range(6):
            p = subprocess.Popen([AKIRAOS, "--flash", img], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            base = (run + 1) * 100000
            script = "".join(f"settings set akira/counter {base + i}\n"
                             f"fs write /counter.txt {base + i}\n"
                             f"settings get akira/counter\n" for i in range(800))
            try:
                p.stdin.write(script.encode())
                p.stdin.flush()
            except BrokenPipeError:
                pass
            time.sleep(0.02 + rnd.random() * 0.1)
            p.send_signal(signal.SIGKILL)
            out = p.communicate(timeout=5)[0].decode(errors="replace")
            check(p.returncode == -signal.SIGKILL, f"killed by SIGKILL ({p.returncode})", out)
            # the acknowledged values: `settings get` printed them after the set and
            # the write of the same round returned
            acks = [int(l) for l in out.splitlines() if l.isdigit() and int(l) >= base]
            ack = acks[-1] if acks else floor
            rc, out2 = run_piped("settings get akira/counter\nfs cat /counter.txt\npoweroff\n",
                                 ["--flash", img])
            check(rc == 0, f"exit status {rc}", out2)
            check("(formatted)" not in out2, "no reformat after a kill", out2)
            after = out2.split("boot complete", 1)[1].splitlines()[1:3]
            check(len(after) == 2 and all(v.isdigit() for v in after),
                  f"run {run}: setting and file read back as numbers ({after})", out2)
            val, txt = int(after[0]), int(after[1])
            check(val >= ack and txt >= ack,
                  f"run {run}: acknowledged {ack}, read {val} / {txt}", out2)
            # the set runs before the write of its round: the file is never ahead
            check(txt <= val <= txt + 1 or (txt < base and val <= base),
                  f"run {run}: setting {val} and file {txt} from the same round", out2)
            print(f"run {run}: acknowledged {ack - base if ack >= base else None}, read {val - base if val >= base else None}")
            floor = val


def t_errors():
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "flash.img")
        rc, out = run_piped(
            "settings set akira/keep one\n"
            "settings get akira/missing\n"
            "settings set badkey x\n"
            "settings set akira//x y\n"
            "settings set akira/keep\n"
            "settings delete akira/missing\n"
            "fs write /keep.txt original\n"
            "fs cat /nope\n"
            "fs mkdir /a/../b\n"
            "fs write /x\n"
            "fs write /nodir/f.txt text\n"
            "fs rm /nope\n"
            "fs mkdir /keep.txt\n"
            "fs ls /keep.txt/sub\n"
            "fs bogus\n"
            "settings get akira/keep\n"
            "fs cat /keep.txt\n"
            "fs ls\n"
            "fs df\n"
            "poweroff\n", ["--flash", img])
        check(rc == 0, f"exit status {rc}", out)
        check(out.count("ENOENT (no such object)") == 5, "missing key/file/dir errors", out)
        check("'badkey' is not a key" in out and "'akira//x' is not a key" in out,
              "bad keys explained", out)
        check(out.count("usage: settings set KEY VALUE...") == 3, "settings set usage", out)
        check("fs mkdir: EINVAL" not in out and "usage: fs mkdir PATH" in out,
              "'..' refused with the usage line", out)
        check("usage: fs write PATH TEXT" in out, "usage for a missing argument", out)
        check("fs mkdir: EEXIST (already exists)" in out, "mkdir over a file", out)
        check("fs: unknown subcommand 'bogus'" in out, "unknown subcommand", out)
        # nothing the refused commands touched changed
        after = out.split("fs: unknown subcommand", 1)[1]
        check("\none\n" in after and "\noriginal\n" in after,
              "refused commands changed nothing", out)
        check("keep.txt" in after and "-- 1 entry" in after, "only keep.txt in /", out)
        check("KiB used" in out and "KiB free" in out and "KiB total" in out, "df figures", out)
        check("erases fs" in out and "erases settings" in out, "df wear spread", out)


class Tty:
    """The firmware on a pseudo-terminal, typed at like a user would."""

    def __init__(self, args):
        self.master, self.slave = pty.openpty()
        self.p = subprocess.Popen([AKIRAOS, *args], stdin=self.slave, stdout=self.slave,
                                  stderr=self.slave, close_fds=True)
        self.out = ""
        self.mark = 0

    def read_until(self, needle, timeout=5.0):
        end = time.monotonic() + timeout
        while needle not in self.out[self.mark:]:
            left = end - time.monotonic()
            if left <= 0:
                self.p.kill()
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
        self.type(keys)
        self.read_until(expect)
        self.read_until("akira> ")

    def end(self):
        self.type("\x04")  # Ctrl-D on an empty line: power off
        try:
            rc = self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            fail("Ctrl-D did not end the process", self.out)
        os.close(self.master)
        os.close(self.slave)
        check(rc == 0, f"exit status {rc}", self.out)


UP = "\x1b[A"


def t_history():
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "flash.img")
        t = Tty(["--flash", img])
        t.read_until("akira> ")
        t.command("uptime\r", "up 0d ")
        t.command("settings set akira/x y\r", "\n")
        t.end()
        # a script on a pipe neither restores nor records history
        rc, out = run_piped("version\nsettings get akira/shell/history\npoweroff\n",
                            ["--flash", img])
        check(rc == 0, f"exit status {rc}", out)
        check("uptime\\nsettings set akira/x y\\n" in out,
              "the terminal session's lines saved under akira/shell/history", out)
        check("version\\n" not in out, "piped lines not recorded", out)

        # the next terminal session browses the saved lines with Up
        t = Tty(["--flash", img])
        t.read_until("akira> ")
        t.type(UP)
        t.read_until("settings set akira/x y")
        t.type(UP)
        t.read_until("uptime")
        t.command("\r", "up 0d ")
        # bounded: of 20 more lines only the newest 16 are kept
        for i in range(1, 21):
            t.command(f"sleep {i}\r", "\n")
        t.end()
        rc, out = run_piped("settings get akira/shell/history\npoweroff\n", ["--flash", img])
        check(rc == 0, f"exit status {rc}", out)
        saved = [l for l in out.splitlines() if l.startswith("sleep 5\\n")]
        check(len(saved) == 1 and saved[0] ==
              "".join(f"sleep {i}\\n" for i in range(5, 21)),
              "the last 16 lines, oldest first", out)


SCENARIOS = {"reboot": t_reboot, "sigkill": t_sigkill, "sigkill_stream": t_sigkill_stream,
             "errors": t_errors,
             "history": t_history}

if __name__ == "__main__":
    SCENARIOS[sys.argv[2]]()
