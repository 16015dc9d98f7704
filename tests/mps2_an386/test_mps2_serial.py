#!/usr/bin/env python3
"""The serial management link on the mps2_an386 firmware in qemu-system-arm: the `akira`
CLI manages the board over UART1 (QEMU's second -serial, a host pty), the board having
no network (docs/serial.md).

usage: test_mps2_serial.py ELF AKIRA TICKER BIG WORKDIR

Boots a fresh flash image with UART0 on stdio (the console) and UART1 on a pty, then
over the pty: status, install (ticker, then big: 200 KB through the framed protocol
into flash), apps, start, logs, stop, rm, a wrong token refused; the console's
`serial` shows the link's counters (a refused frame only where the UART reported an
overrun); poweroff ends QEMU with 0.
QEMU is bounded in time and killed by pid (tests/harness/qemu.py); exits 77 (skipped)
with a message when QEMU or the firmware is missing.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import qemu  # noqa: E402

ELF, AKIRA, TICKER, BIG, WORK = sys.argv[1:6]
BOOT_S = 120
CMD_S = 480  # a 200 KB install over QEMU's UART into semihosted flash, loaded host


fail = qemu.fail


def main():
    qemu.prepare_mps2(ELF, WORK)
    # UART0 stays the console on stdio; UART1 goes to a pty.
    args = qemu.mps2_an386_args(ELF, os.path.join(WORK, "flash.img"), serial_pty=True)
    q = qemu.Qemu(args, log=open(os.path.join(WORK, "qemu.log"), "w"))
    q.start()
    try:
        run_checks(q)
    except qemu.Timeout as e:
        q.kill()
        fail(str(e), e.output)
    except BaseException:
        q.kill()
        raise
    q.poweroff()
    print("ok")


def run_checks(q):
    q.console.expect("akira> ", BOOT_S)
    out = q.console.output()
    m = re.search(r"char device redirected to (/dev/pts/\d+) \(label serial1\)", out)
    t = re.search(r"device token \(shown once; later: `http token`\): ([0-9a-f]{32})", out)
    if not (m and t and "[ ok ] serial link: device API on uart1" in out):
        fail("no pty for UART1, no token or no serial link at boot", out)
    pty, token = m.group(1), t.group(1)

    def cli(*a, ok=True):
        r = subprocess.run([AKIRA, "--serial", pty, "--token", token, *a], capture_output=True,
                           text=True, timeout=CMD_S)
        if (r.returncode == 0) != ok:
            fail(f"akira {' '.join(a)}: exit {r.returncode}\n{r.stdout}{r.stderr}",
                 q.console.output())
        return r

    r = cli("status")
    if "on mps2_an386" not in r.stdout or "running: none" not in r.stdout:
        fail(f"status: {r.stdout}")
    r = cli("install", TICKER)
    if "installed ticker 1.0.0 on serial" not in r.stdout:
        fail(f"install ticker: {r.stdout}")
    r = cli("install", BIG)
    if "installed big 1.0.0 on serial" not in r.stdout:
        fail(f"install big: {r.stdout}{r.stderr}")
    r = cli("apps")
    size = os.path.getsize(BIG)
    if not re.search(rf"^big\s+1\.0\.0\s+installed\s+no\s+{size}\s", r.stdout, re.M) or \
            not re.search(r"^ticker\s+1\.0\.0\s+installed", r.stdout, re.M):
        fail(f"apps: {r.stdout}")
    r = cli("start", "ticker")
    if "started ticker: running" not in r.stdout:
        fail(f"start: {r.stdout}")
    deadline = time.monotonic() + 60
    while "tick 2" not in cli("logs", "ticker").stdout:
        if time.monotonic() > deadline:
            fail("ticker never logged tick 2 over serial", q.console.output())
        time.sleep(0.5)
    r = cli("stop", "ticker")
    if "stopped ticker: stopped" not in r.stdout:
        fail(f"stop: {r.stdout}")
    r = subprocess.run([AKIRA, "--serial", pty, "--token", "0" * 32, "rm", "big"],
                       capture_output=True, text=True, timeout=CMD_S)
    if r.returncode != 1 or "HTTP 401" not in r.stderr:
        fail(f"wrong token: {r.returncode} {r.stderr}")
    r = cli("rm", "ticker")
    if "removed ticker" not in r.stdout:
        fail(f"rm: {r.stdout}")
    out = q.console.command("serial", 30)
    m = re.search(r"refused: crc (\d+) length (\d+) coding (\d+) too-long (\d+) seq (\d+); "
                  r"uart overruns (\d+)", out)
    if not m or "stream bytes in" not in out:
        fail("no counters from `serial`", out)
    # QEMU's CMSDK UART has no FIFO: a byte can be lost when the CPU is slow to take it
    # (counted as an overrun); the frame it was in is refused and sent again. On this
    # clean line nothing else may be refused.
    refused, overruns = sum(int(x) for x in m.groups()[:5]), int(m.group(6))
    if refused and not overruns:
        fail("frames refused on a clean line", out)
    print(f"serial counters: {refused} refused, {overruns} overruns")
    out = q.console.command("app list", 30)
    if "big" not in out or "ticker" in out:
        fail("app list after the serial session", out)


if __name__ == "__main__":
    main()
