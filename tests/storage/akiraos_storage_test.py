#!/usr/bin/env python3
"""Integration tests of storage on the real native_sim firmware (build/bin/akiraos).

usage: akiraos_storage_test.py AKIRAOS SCENARIO

A value set with `settings set` and a file written with `fs write` must still be there
after `reboot` and after the process is killed with SIGKILL; the shell history comes
back after a reboot. Every wait has a timeout, so a hang fails instead of blocking.
"""
import os
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


def t_errors():
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "flash.img")
        rc, out = run_piped(
            "settings get akira/missing\n"
            "settings set badkey x\n"
            "fs cat /nope\n"
            "fs mkdir /a/../b\n"
            "fs write /x\n"
            "fs df\n"
            "poweroff\n", ["--flash", img])
        check(rc == 0, f"exit status {rc}", out)
        check("akira/missing" in out, "missing key reported", out)
        check("badkey" in out, "bad key reported", out)
        check("/nope" in out, "missing file reported", out)
        check("usage: fs write PATH TEXT" in out, "usage for a missing argument", out)
        check("KiB free" in out, "df output", out)


def t_history():
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "flash.img")
        rc, out = run_piped("uptime\nsettings list akira/nothing\npoweroff\n", ["--flash", img])
        check(rc == 0, f"exit status {rc}", out)
        rc, out = run_piped("settings list akira/shell/history/\npoweroff\n", ["--flash", img])
        check(rc == 0, f"exit status {rc}", out)
        check("= uptime" in out and "= settings list akira/nothing" in out,
              "history of the previous session stored in settings", out)


SCENARIOS = {"reboot": t_reboot, "sigkill": t_sigkill, "errors": t_errors,
             "history": t_history}

if __name__ == "__main__":
    SCENARIOS[sys.argv[2]]()
