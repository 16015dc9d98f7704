#!/usr/bin/env python3
"""Integration tests of storage on the real native_sim firmware (build/bin/akiraos).

usage: akiraos_storage_test.py AKIRAOS SCENARIO

A value set with `settings set` and a file written with `fs write` must still be there
after `reboot` and after the process is killed with SIGKILL; the shell history comes
back after a reboot. Every wait has a timeout, so a hang fails instead of blocking.
"""
import os
import random
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402

AKIRAOS = sys.argv[1]


def run_piped(script, args, timeout=20):
    rc, out, _ = ad.run_piped(AKIRAOS, script, args, timeout)
    return rc, out


def t_reboot():
    with ad.tempdir() as d:
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
        check(rc == 0, f"exit status {rc}")
        after = out.split("reboot: shutting down", 1)
        check(len(after) == 2, "the firmware rebooted")
        check("device-one" in after[1], "setting kept across reboot")
        check("hello flash" in after[1], "file kept across reboot")
        check("boot.txt" in after[1], "directory listing after reboot")
        check("fs formatted" not in after[1] and "(formatted)" not in after[1],
              "the second boot did not format")


def t_sigkill():
    with ad.tempdir() as d:
        img = os.path.join(d, "flash.img")
        dev = ad.Device(AKIRAOS, img, http=False)
        # The last command prints a marker only after the two before it returned, so
        # the data was acknowledged when the kill comes.
        dev.send("settings set app/demo/color blue\n"
                 "fs write /note.txt \"survives a kill\"\n"
                 "settings get app/demo/color\n")
        dev.expect("\nblue\n", 10)
        dev.p.send_signal(signal.SIGKILL)
        rc = dev.wait(5)
        check(rc == -signal.SIGKILL, f"killed by SIGKILL ({rc})")
        rc, out2 = run_piped("settings get app/demo/color\nfs cat /note.txt\n"
                             "settings list app/\npoweroff\n", ["--flash", img])
        check(rc == 0, f"exit status {rc}")
        check(out2.count("blue") >= 2, "setting kept after SIGKILL")
        check("survives a kill" in out2, "file kept after SIGKILL")
        check("(formatted)" not in out2, "the boot after the kill did not format")


def t_sigkill_stream():
    """SIGKILL at arbitrary moments of a stream of writes (a kill can land inside a
    flash write): the next boot mounts without formatting, and the setting and the
    file hold the last acknowledged value or a newer one, never garbage."""
    rnd = random.Random(4)
    with ad.tempdir() as d:
        img = os.path.join(d, "flash.img")
        floor = -1
        for run in range(6):
            dev = ad.Device(AKIRAOS, img, http=False, wait_boot=None)
            base = (run + 1) * 100000
            script = "".join(f"settings set akira/counter {base + i}\n"
                             f"fs write /counter.txt {base + i}\n"
                             f"settings get akira/counter\n" for i in range(800))
            dev.send(script)
            time.sleep(0.02 + rnd.random() * 0.1)
            dev.p.send_signal(signal.SIGKILL)
            rc = dev.wait(5)
            out = dev.output()
            check(rc == -signal.SIGKILL, f"killed by SIGKILL ({rc})")
            # the acknowledged values: `settings get` printed them after the set and
            # the write of the same round returned
            acks = [int(l) for l in out.splitlines() if l.isdigit() and int(l) >= base]
            ack = acks[-1] if acks else floor
            rc, out2 = run_piped("settings get akira/counter\nfs cat /counter.txt\npoweroff\n",
                                 ["--flash", img])
            check(rc == 0, f"exit status {rc}")
            check("(formatted)" not in out2, "no reformat after a kill")
            after = out2.split("boot complete", 1)[1].splitlines()[1:3]
            check(len(after) == 2 and all(v.isdigit() for v in after),
                  f"run {run}: setting and file read back as numbers ({after})")
            val, txt = int(after[0]), int(after[1])
            check(val >= ack and txt >= ack,
                  f"run {run}: acknowledged {ack}, read {val} / {txt}")
            # the set runs before the write of its round: the file is never ahead
            check(txt <= val <= txt + 1 or (txt < base and val <= base),
                  f"run {run}: setting {val} and file {txt} from the same round")
            print(f"run {run}: acknowledged {ack - base if ack >= base else None}, read {val - base if val >= base else None}")
            floor = val


def t_errors():
    with ad.tempdir() as d:
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
        check(rc == 0, f"exit status {rc}")
        check(out.count("ENOENT (no such object)") == 5, "missing key/file/dir errors")
        check("'badkey' is not a key" in out and "'akira//x' is not a key" in out,
              "bad keys explained")
        check(out.count("usage: settings set KEY VALUE...") == 3, "settings set usage")
        check("fs mkdir: EINVAL" not in out and "usage: fs mkdir PATH" in out,
              "'..' refused with the usage line")
        check("usage: fs write PATH TEXT" in out, "usage for a missing argument")
        check("fs mkdir: EEXIST (already exists)" in out, "mkdir over a file")
        check("fs: unknown subcommand 'bogus'" in out, "unknown subcommand")
        # nothing the refused commands touched changed
        after = out.split("fs: unknown subcommand", 1)[1]
        check("\none\n" in after and "\noriginal\n" in after,
              "refused commands changed nothing")
        check("keep.txt" in after and "-- 1 entry" in after, "only keep.txt in /")
        check("KiB used" in out and "KiB free" in out and "KiB total" in out, "df figures")
        check("erases fs" in out and "erases settings" in out, "df wear spread")


def tty(img):
    """The firmware on a pseudo-terminal, at its prompt."""
    return ad.Device(AKIRAOS, img, http=False, tty=True, wait_boot="akira> ")


def command(t, keys, expect):
    t.send(keys)
    t.expect(expect)
    t.expect("akira> ")


def end(t):
    t.send("\x04")  # Ctrl-D on an empty line: power off
    rc = t.wait(5)
    check(rc == 0, f"exit status {rc}")


UP = "\x1b[A"


def t_history():
    with ad.tempdir() as d:
        img = os.path.join(d, "flash.img")
        t = tty(img)
        command(t, "uptime\r", "up 0d ")
        command(t, "settings set akira/x y\r", "\n")
        end(t)
        # a script on a pipe neither restores nor records history
        rc, out = run_piped("version\nsettings get akira/shell/history\npoweroff\n",
                            ["--flash", img])
        check(rc == 0, f"exit status {rc}")
        check("uptime\\nsettings set akira/x y\\n" in out,
              "the terminal session's lines saved under akira/shell/history")
        check("version\\n" not in out, "piped lines not recorded")

        # the next terminal session browses the saved lines with Up
        t = tty(img)
        t.send(UP)
        t.expect("settings set akira/x y")
        t.send(UP)
        t.expect("uptime")
        command(t, "\r", "up 0d ")
        # bounded: of 20 more lines only the newest 16 are kept
        for i in range(1, 21):
            command(t, f"sleep {i}\r", "\n")
        end(t)
        rc, out = run_piped("settings get akira/shell/history\npoweroff\n", ["--flash", img])
        check(rc == 0, f"exit status {rc}")
        saved = [l for l in out.splitlines() if l.startswith("sleep 5\\n")]
        check(len(saved) == 1 and saved[0] ==
              "".join(f"sleep {i}\\n" for i in range(5, 21)),
              "the last 16 lines, oldest first")


SCENARIOS = {"reboot": t_reboot, "sigkill": t_sigkill, "sigkill_stream": t_sigkill_stream,
             "errors": t_errors,
             "history": t_history}

if __name__ == "__main__":
    ad.main(SCENARIOS, sys.argv[2])
