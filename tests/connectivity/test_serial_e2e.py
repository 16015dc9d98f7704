#!/usr/bin/env python3
"""The serial management link end to end: `akira --serial PTY ...` against the booted
firmware's "mgmt" UART (a host pty).

usage: test_serial_e2e.py AKIRAOS AKIRA APPS_DIR WORK_DIR SCENARIO

Boots build/bin/akiraos with a fresh flash image and --http-port (to compare the two
transports), reads the management pty's path from the boot lines, and drives the CLI
over it. Uses test_api_apps.py's Device, cli and checks (same arguments).

Scenarios:
  cli     status, install, apps, start, logs, logs -f, stop, rm over the line, with the
          same output and exit statuses as over HTTP; wrong token 401; a device entry
          serial:PATH; line noise refused and counted (`serial` on the console).
  resume  the line cut (a relay the test controls stops and the CLI is killed) in the
          middle of an install: another session aborts it (nothing installed); cut
          again, the same command resumes from the device's acknowledged offset and
          the app is installed whole.
Every wait is bounded; every process started is killed by pid at the end.
"""
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_api_apps as base  # noqa: E402  (reads the same argv)

from test_api_apps import ad, Fail, check  # noqa: E402

PROCS = []


def SerialDevice(flash):
    """test_api_apps's device (harness, HTTP on a free port) and its management pty."""
    dev = base.Device(flash)
    dev.pty = dev.wait_for(r"serial management link on (/dev/\S+)", 10)
    return dev


def cli(*args, ok=True):
    return base.cli(None, *args, ok=ok)


def serial(dev, *args, ok=True, token=True):
    extra = ["--token", dev.token] if token else []
    return cli("--serial", dev.pty, *extra, *args, ok=ok)


def console(dev, cmd, pattern, timeout=10):
    mark = len(dev.output())
    dev.console(cmd)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        m = re.search(pattern, dev.output()[mark:])
        if m:
            return m
        time.sleep(0.05)
    raise Fail(f"console {cmd!r}: no {pattern!r}")


def counters(dev):
    m = console(dev, "serial", r"sessions (\d+) resumed (\d+), stream bytes in (\d+) out (\d+)\r?\n"
                r".*\r?\nrefused: crc (\d+) length (\d+) coding (\d+) too-long (\d+) seq (\d+)")
    v = [int(x) for x in m.groups()]
    return {"sessions": v[0], "resumed": v[1], "in": v[2], "out": v[3],
            "refused": sum(v[4:])}


def strip_device_line(out):
    out = re.sub(r"^device:.*\n", "", out, flags=re.M)
    return re.sub(r"up [0-9.]+ s", "up X s", out)


def t_cli(dev):
    r = serial(dev, "status")
    check("native_sim" in r.stdout and "running: none" in r.stdout, f"status: {r.stdout}")
    check(f"device:  serial ({dev.pty})" in r.stdout, f"status device line: {r.stdout}")
    r = serial(dev, "install", os.path.join(base.APPS, "ticker.wasm"))
    check("installed ticker 1.0.0 on serial" in r.stdout, f"install: {r.stdout}")
    r = serial(dev, "apps")
    check(re.search(r"^ticker\s+1\.0\.0\s+installed", r.stdout, re.M), f"apps: {r.stdout}")
    # The same answers as over HTTP.
    cli("device", "add", "sim", dev.url, dev.token)
    check(cli("apps").stdout == r.stdout, "apps over HTTP and serial differ")
    r = serial(dev, "start", "ticker")
    check("started ticker: running" in r.stdout, f"start: {r.stdout}")
    end = time.monotonic() + 10
    while "tick 2" not in serial(dev, "logs", "ticker").stdout:
        check(time.monotonic() < end, "no tick 2 in the app's log over serial")
        time.sleep(0.2)
    r = serial(dev, "logs", "ticker")
    check("ticker up" in r.stdout and "tick 1" in r.stdout, f"logs: {r.stdout}")
    # -f follows over the line too, and ends cleanly on SIGTERM.
    e = dict(os.environ, AKIRA_CONFIG=os.path.join(base.WORK, "devices"))
    p = subprocess.Popen([base.AKIRA, "--serial", dev.pty, "--token", dev.token, "logs", "ticker",
                          "-f"], stdout=subprocess.PIPE, text=True, env=e)
    PROCS.append(p)
    time.sleep(1.5)
    last_before = int(re.findall(r"tick (\d+)", serial(dev, "logs", "ticker").stdout)[-1])
    time.sleep(1.5)
    p.terminate()
    out, _ = p.communicate(timeout=15)
    ticks = [int(t) for t in re.findall(r"tick (\d+)", out)]
    check(p.returncode == 0 and ticks and max(ticks) > last_before and
          ticks == sorted(set(ticks)), f"logs -f: rc {p.returncode}, {ticks} vs {last_before}")
    r = serial(dev, "logs")
    check("connectivity: app ticker started over http by serial:mgmt" in r.stdout,
          f"device log: {r.stdout}")
    s1, s2 = strip_device_line(serial(dev, "status").stdout), strip_device_line(cli("status").stdout)
    check(re.sub(r"\d+ of", "N of", s1) == re.sub(r"\d+ of", "N of", s2),
          f"status differs:\n{s1}\n{s2}")
    r = serial(dev, "stop", "ticker")
    check("stopped ticker: stopped" in r.stdout, f"stop: {r.stdout}")
    r = serial(dev, "stop", "ticker", ok=False)
    h = cli("stop", "ticker", ok=False)
    check(r.returncode == h.returncode == 1 and "HTTP 409" in r.stderr and
          "not running" in r.stderr, f"stop again: {r.stderr}")
    # Several clients on one line at once: each waits for the line (flock), none reads
    # another's frames.
    e = dict(os.environ, AKIRA_CONFIG=os.path.join(base.WORK, "devices"))
    want = serial(dev, "apps").stdout
    ps = [subprocess.Popen([base.AKIRA, "--serial", dev.pty, "--token", dev.token, "apps"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)
          for _ in range(4)]
    PROCS.extend(ps)
    for p in ps:
        out, err = p.communicate(timeout=60)
        check(p.returncode == 0 and out == want, f"concurrent apps: {p.returncode} {out} {err}")
    # Wrong token: refused like over HTTP, nothing changed.
    r = cli("--serial", dev.pty, "--token", "0" * 32, "rm", "ticker", ok=False)
    check(r.returncode == 1 and "HTTP 401" in r.stderr, f"wrong token: {r.stderr}")
    # Line noise between sessions: refused and counted, the next command works.
    before = counters(dev)
    with open(dev.pty, "r+b", buffering=0) as f:
        tty.setraw(f.fileno())
        f.write(bytes(range(1, 256)) * 4 + b"\x00\x05\x01\x02\x03\x00" + b"\x00" * 3)
    time.sleep(0.3)
    after = counters(dev)
    check(after["refused"] > before["refused"], f"noise not counted: {before} {after}")
    # A device entry serial:PATH gives the token.
    cli("device", "add", "line", f"serial:{dev.pty}", dev.token)
    r = cli("rm", "ticker")
    check("removed ticker" in r.stdout, f"rm: {r.stdout}")
    r = cli("rm", "ticker", ok=False)
    check(r.returncode == 1 and "HTTP 404" in r.stderr and "no such app" in r.stderr,
          f"rm again: {r.stderr}")
    r = cli("--serial", "/nonexistent/tty", "--token", "x", "status", ok=False)
    check(r.returncode == 1 and "unreachable" in r.stderr, f"no line: {r.stderr}")
    r = cli("--serial", dev.pty, "start", ok=False)
    check(r.returncode == 2, "usage error is exit 2")


class Relay:
    """A pty the CLI opens, relayed to the device's pty by the test, which can cut it:
    after `cut` bytes from the CLI nothing more passes either way and the CLI is
    killed."""

    def __init__(self, dev_pty, cut):
        self.m, s = os.openpty()
        tty.setraw(s)
        self.slave = s
        self.path = os.ttyname(s)
        self.d = os.open(dev_pty, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.d)
        self.cut, self.passed, self.stop = cut, 0, False
        self.cut_done = threading.Event()
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        while not self.stop:
            r, _, _ = select.select([self.m, self.d], [], [], 0.05)
            for fd in r:
                try:
                    b = os.read(fd, 4096)
                except OSError:
                    continue
                if self.passed >= self.cut:
                    continue
                if fd == self.m:
                    b = b[: self.cut - self.passed]
                    self.passed += len(b)
                    os.write(self.d, b)
                    if self.passed >= self.cut:
                        self.cut_done.set()
                else:
                    os.write(self.m, b)

    def close(self):
        self.stop = True
        self.t.join(5)
        for fd in (self.m, self.slave, self.d):
            os.close(fd)


def install_cut(dev, app, cut):
    """Starts `akira --serial RELAY install app`, cuts the line after `cut` bytes and
    kills the CLI (SIGKILL, by pid)."""
    relay = Relay(dev.pty, cut)
    e = dict(os.environ, AKIRA_CONFIG=os.path.join(base.WORK, "devices"))
    p = subprocess.Popen([base.AKIRA, "--serial", relay.path, "--token", dev.token, "install",
                          app], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
    PROCS.append(p)
    check(relay.cut_done.wait(60), "the install never sent enough to be cut")
    time.sleep(0.3)
    p.send_signal(signal.SIGKILL)
    p.wait(10)
    relay.close()


def t_resume(dev):
    big = os.path.join(base.APPS, "big.wasm")
    size = os.path.getsize(big)
    # Cut at about 40 %: another session (status) ends it, nothing is installed.
    install_cut(dev, big, size * 2 // 5)
    r = serial(dev, "status")
    check("0 installed" in r.stdout, f"status after the abort: {r.stdout}")
    dev.wait_for(rb"app upload from serial:mgmt aborted after \d+ bytes", 10)
    r = serial(dev, "apps")
    check("0 installed" in r.stdout, f"a cut install left something: {r.stdout}")
    # Cut at about 60 %, then the same command again: it resumes.
    install_cut(dev, big, size * 3 // 5)
    c = counters(dev)
    check(c["in"] > 0, f"nothing counted in: {c}")
    r = serial(dev, "install", big)
    m = re.search(r"resuming the interrupted upload at byte (\d+)", r.stderr)
    check(m and int(m.group(1)) >= size // 2, f"no resume: {r.stderr}")
    check("installed big 1.0.0" in r.stdout, f"install after resume: {r.stdout}")
    r = serial(dev, "apps")
    check(re.search(rf"^big\s+1\.0\.0\s+installed\s+no\s+{size}\s", r.stdout, re.M),
          f"apps after resume: {r.stdout}")
    c = counters(dev)
    check(c["resumed"] == 1, f"resumes: {c}")
    r = serial(dev, "start", "big")
    check("started big: running" in r.stdout, f"the resumed app does not run: {r.stdout}")


def main():
    import shutil
    shutil.rmtree(base.WORK, ignore_errors=True)
    os.makedirs(base.WORK)
    dev = SerialDevice(os.path.join(base.WORK, "flash.img"))
    try:
        {"cli": t_cli, "resume": t_resume}[base.SCENARIO](dev)
    finally:
        for p in PROCS:
            if p.poll() is None:
                p.kill()
                p.wait(10)
    dev.finish()


if __name__ == "__main__":
    ad.main({base.SCENARIO: main}, base.SCENARIO)
