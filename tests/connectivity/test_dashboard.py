#!/usr/bin/env python3
"""The web dashboard end to end (docs/dashboard.md).

usage: test_dashboard.py AKIRAOS APPS_DIR NODE_DIR OUT_DIR SCENARIO

Boots build/bin/akiraos on a free loopback port with a fresh flash image (the shared
harness, tests/harness/akira_device.py), then:

  api      raw HTTP: GET / (gzip, ETag, 304, 406 without gzip, CSP), the push channel
           /api/events (hello, status, log, applog, apps, gpio events; the client limit
           and a freed slot; a closed client leaves at once), the settings list and
           delete, capabilities grant/revoke, and the read_auth setting (reads then need
           the token, the page itself does not).
  desktop  Debian's chromium driven by playwright-core (NODE_DIR: `npm ci` of
  phone    tests/connectivity/dashboard/, scripts/deps-node.sh) through dashboard.mjs:
           the user's flows at 1280x800 or at a phone's 390x844; screenshots in OUT_DIR.
           The device is checked from here afterwards (the app, the setting, the pin).
  firmware (more arguments: AKIRA_BOOT AKIRA AKIRAOS_IMG DEV_KEY MANUAL) the device
           booted through akira-boot from a flash flashed with the build's signed image
           (0.1.0+0), as `make run` does; at 1280x800 the firmware page: both slots, a
           newer image (MANUAL, the test build that leaves its confirmation to the user,
           signed as 0.1.1+0 with the dev key) pushed through the file input with its
           progress, pending, a reboot from the page (which reconnects by itself), the
           new version on test, confirmed from the page; then /api/ota checked from here.

A missing chromium or node package fails the test: it never skips.
"""
import gzip
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import Fail, check  # noqa: E402

AKIRAOS, APPS, NODE_DIR, OUT, SCENARIO = sys.argv[1:6]
APPS, NODE_DIR, OUT = (os.path.abspath(p) for p in (APPS, NODE_DIR, OUT))
HERE = os.path.dirname(os.path.abspath(__file__))
CHROMIUM = "/usr/bin/chromium"


def boot(tmp):
    dev = ad.Device(AKIRAOS, os.path.join(tmp, "flash.bin"), http=True)
    check(dev.token, "no token printed at first boot")
    return dev


def ticker():
    with open(os.path.join(APPS, "ticker.wasm"), "rb") as f:
        return f.read()


class Events:
    """A raw client of GET /api/events: the bytes as they come (chunk framing kept:
    the events are searched in the text)."""

    def __init__(self, dev, query="", token=None):
        self.s = dev.connect(10)
        hdr = f"Authorization: Bearer {token}\r\n" if token else ""
        self.s.sendall(f"GET /api/events{query} HTTP/1.1\r\nHost: d\r\n{hdr}\r\n".encode())
        self.buf = b""
        self.mark = 0

    def until(self, needle, timeout=10.0):
        needle = needle.encode() if isinstance(needle, str) else needle
        end = time.monotonic() + timeout
        while True:
            i = self.buf.find(needle, self.mark)
            if i >= 0:
                self.mark = i + len(needle)
                return self.buf[i:self.buf.find(b"\n", self.mark) + 1].decode(errors="replace")
            left = end - time.monotonic()
            if left <= 0:
                raise Fail(f"events: no {needle!r} within {timeout} s; got "
                           f"{self.buf[-600:]!r}")
            self.s.settimeout(left)
            try:
                b = self.s.recv(65536)
            except socket.timeout:
                continue
            if not b:
                raise Fail(f"events: closed while waiting for {needle!r}: {self.buf[-400:]!r}")
            self.buf += b

    def close(self):
        self.s.close()


def events_answer(dev, query="", token=None):
    """The status and the first bytes of GET /api/events, without waiting for its end
    (a stream that should have been refused must fail the test, not hang it)."""
    ev = Events(dev, query, token)
    ev.until("\r\n\r\n")
    try:
        ev.until("}", 2)
    except Fail:
        pass
    ev.close()
    return int(ev.buf.split(b" ", 2)[1]), ev.buf.decode(errors="replace")


def events_slot(dev, query="", token=None, within=5.0):
    """An events client once a slot is free (a closed client's is freed within a tick)."""
    t0 = time.monotonic()
    while True:
        ev = Events(dev, query, token)
        ev.until("\r\n\r\n")
        if b" 200 " in ev.buf.split(b"\r\n")[0]:
            return ev
        ev.close()
        check(time.monotonic() - t0 < within, f"no events slot free within {within} s")
        time.sleep(0.1)


def t_api(tmp):
    dev = boot(tmp)
    tok = dev.token
    # The page: gzip, ETag, revalidation, no uncompressed copy.
    st, h, body = dev.request("GET", "/", headers={"Accept-Encoding": "gzip, deflate"})
    check(st == 200, f"GET / {st}")
    check(h.get("content-encoding") == "gzip", f"no gzip: {h}")
    check(h.get("content-type", "").startswith("text/html"), f"type {h}")
    check("no-cache" in h.get("cache-control", ""), f"cache-control {h}")
    check("connect-src 'self'" in h.get("content-security-policy", ""), f"CSP {h}")
    html = gzip.decompress(body).decode()
    check("<title>AkiraOS</title>" in html and "/api/events" in html, "not the dashboard")
    check(len(body) <= 64 * 1024, f"dashboard {len(body)} bytes compressed, over 64 KiB")
    etag = h.get("etag")
    check(etag and etag.startswith('"'), f"etag {etag}")
    st, h, body = dev.request("GET", "/", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    check(st == 304 and body == b"", f"revalidation {st} {body[:40]!r}")
    st, h, body = dev.request("GET", "/", headers={"Accept-Encoding": "gzip;q=0, identity"})
    check(st == 406, f"no gzip accepted: {st}")
    st, _, _ = dev.request("GET", "/", headers={"Accept-Encoding": "br, GZIP"})
    check(st == 200, f"GZIP in a list: {st}")

    # The push channel: hello first, status, and the device log as it is written.
    ev = Events(dev)
    head = ev.until("\r\n\r\n")
    check(b"text/event-stream" in ev.buf, f"not an event stream: {ev.buf[:300]!r}")
    ev.until("event: hello")
    ev.until("event: status")
    ev.until("event: gpio")
    st, _ = dev.call("PUT", "/api/settings/app/dash/greeting", b"hi there", tok)
    check(st == 200, f"put {st}")
    ev.until("settings app/dash/greeting set over http")
    # An app: its set, state, and log lines arrive as they are written.
    st, j = dev.call("POST", "/api/apps", ticker(), tok)
    check(st == 201, f"install {st} {j}")
    ev.until('"name":"ticker","state":"installed"')
    st, j = dev.call("POST", "/api/apps/ticker/start", None, tok)
    check(st == 200, f"start {st} {j}")
    ev.until('"app":"ticker"')
    ev.until('"text":"tick 2"')
    # A pin driven from outside is pushed.
    st, _ = dev.call("POST", "/api/gpio/5", b"1", tok)
    check(st == 200, f"gpio {st}")
    st, g = dev.call("GET", "/api/gpio")
    mask = sum(1 << p["pin"] for p in g["pins"] if p["level"])
    ev.until(f'"levels":{mask}')
    # Sensors only when asked for; an unknown topic is refused.
    ev2 = Events(dev, "?topics=sensors")
    ev2.until("event: sensors")
    ev2.until('{"sensors":[{"name":')
    st, j = events_answer(dev, "?topics=status,nope")
    check(st == 400 and "topics: a comma list" in j, f"bad topic {st} {j}")
    # At most three clients; a fourth is told so; a closed one frees its slot at once.
    ev3 = Events(dev)
    ev3.until("event: hello")
    st, j = events_answer(dev)
    check(st == 503 and "too many live dashboards (at most 3)" in j, f"fourth client {st} {j}")
    ev2.close()
    ev4 = events_slot(dev)
    ev4.until("event: hello")
    # The other API keeps answering while three clients are connected.
    st, _ = dev.call("GET", "/api/status")
    check(st == 200, f"status with 3 live clients {st}")
    # log_after past the newest entry (a page from before a reboot): from the start.
    ev4.close()
    ev5 = events_slot(dev, "?topics=log&log_after=99999999")
    ev5.until('"seq":1,')
    ev5.close()

    # Settings: list sorted, a page at a time, secrets marked; delete.
    for k in ("app/dash/b", "app/dash/a", "app/dash/c"):
        check(dev.call("PUT", "/api/settings/" + k, b"v", tok)[0] == 200, "put " + k)
    st, j = dev.call("GET", "/api/settings?prefix=app%2Fdash%2F", None, tok)
    keys = [k["key"] for k in j["keys"]]
    check(st == 200 and keys == ["app/dash/a", "app/dash/b", "app/dash/c", "app/dash/greeting"],
          f"list {st} {j}")
    st, j = dev.call("GET", "/api/settings?prefix=app/dash/&after=app%2Fdash%2Fb", None, tok)
    check([k["key"] for k in j["keys"]] == ["app/dash/c", "app/dash/greeting"], f"after {j}")
    st, j = dev.call("GET", "/api/settings?prefix=akira/http/", None, tok)
    check({"key": "akira/http/token", "length": 32, "secret": True} in j["keys"], f"secret {j}")
    check(dev.call("GET", "/api/settings")[0] == 401, "the list needs the token")
    st, j = dev.call("DELETE", "/api/settings/app/dash/b", None, tok)
    check(st == 200 and j == {"name": "app/dash/b", "removed": True}, f"delete {st} {j}")
    check(dev.call("GET", "/api/settings/app/dash/b", None, tok)[0] == 404, "deleted key still there")
    check(dev.call("DELETE", "/api/settings/app/dash/b", None, tok)[0] == 404, "second delete")
    check(dev.call("DELETE", "/api/settings/akira/http/token", None, tok)[0] == 403, "token deleted")
    check(dev.call("DELETE", "/api/settings/app/dash/a")[0] == 401, "delete without token")

    # Capabilities.
    st, j = dev.call("PUT", "/api/apps/ticker/caps/gpio", None, tok)
    check(st == 200 and "gpio" in j["caps"], f"grant {st} {j}")
    st, j = dev.call("DELETE", "/api/apps/ticker/caps/gpio", None, tok)
    check(st == 200 and "gpio" not in j["caps"], f"revoke {st} {j}")
    check(dev.call("PUT", "/api/apps/ticker/caps/laser", None, tok)[0] == 400, "unknown cap")
    check(dev.call("PUT", "/api/apps/nope/caps/gpio", None, tok)[0] == 404, "unknown app")
    check(dev.call("PUT", "/api/apps/ticker/caps/gpio")[0] == 401, "grant without token")

    # Reads need the token once the setting says so; the page itself stays open.
    st, _ = dev.call("PUT", "/api/settings/akira/http/read_auth", b"1", tok)
    check(st == 200, f"read_auth {st}")
    # (401, or 429 once these failures locked the address out for a moment)
    for path in ("/api/status", "/api/logs", "/api/apps", "/api/gpio"):
        check(dev.call("GET", path)[0] in (401, 429), f"{path} open with read_auth")
    check(events_answer(dev)[0] in (401, 429), "/api/events open with read_auth")
    time.sleep(1.2)
    check(dev.call("GET", "/api/status", None, tok)[0] == 200, "status with the token")
    ev6 = events_slot(dev, "?topics=status", tok)
    ev6.until("event: status")
    ev6.close()
    check(dev.request("GET", "/", headers={"Accept-Encoding": "gzip"})[0] == 200, "page locked")
    check(dev.call("DELETE", "/api/settings/akira/http/read_auth", None, tok)[0] == 200, "unset")
    check(dev.call("GET", "/api/status")[0] == 200, "reads still locked after the delete")
    # At reboot the setting is read again.
    check(dev.call("PUT", "/api/settings/akira/http/read_auth", b"1", tok)[0] == 200, "set")
    for e in (ev, ev3):
        e.close()
    dev.finish()
    dev = ad.Device(AKIRAOS, os.path.join(tmp, "flash.bin"), http=True, token=tok)
    check(dev.call("GET", "/api/status")[0] == 401, "read_auth lost at reboot")
    check(dev.call("DELETE", "/api/settings/akira/http/read_auth", None, tok)[0] == 200, "unset")
    # A live client when the device stops: the stream ends, the stop is not held up.
    ev = Events(dev, "", tok)
    ev.until("event: hello")
    t0 = time.monotonic()
    dev.finish()
    check(time.monotonic() - t0 < 5, "poweroff held up by a live client")


def run_browser(tmp, viewport):
    dev = boot(tmp)
    first_boot, dev = drive_browser(tmp, dev, viewport, os.path.join(APPS, "ticker.wasm"))
    # What the browser did, seen from the device (its log before the reboot, its state
    # after it).
    for line in ("app ticker started over http", "app ticker: capability gpio granted",
                 "app ticker: capability gpio revoked", "app ticker stopped over http",
                 "settings app/dash/motd set over http", "gpio 3 driven 1 over http"):
        check(line in first_boot, f"the device did not log {line!r}")
    check(re.search(r"<inf> board: boot complete", dev.output()), "second boot")
    tok = dev.token
    st, j = dev.call("GET", "/api/apps/ticker")
    check(st == 200, f"ticker not installed after the flows: {st} {j}")
    st, j = dev.call("GET", "/api/settings/app/dash/motd", None, tok)
    check(st == 200 and j["value"] == "hello from the browser", f"setting {st} {j}")
    dev.finish()


def run_firmware(tmp):
    akira_boot, akira, img, key, manual = sys.argv[6:11]
    stripped = os.path.join(tmp, "manual.elf")
    subprocess.run(["strip", "-o", stripped, manual], check=True, timeout=30)
    new = os.path.join(tmp, "new.img")
    r = subprocess.run([akira, "image", "sign", "--key", key, "--version", "0.1.1+0", stripped,
                        new], capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, f"sign failed: {r.stderr}")
    dev = ad.Device(akira_boot, os.path.join(tmp, "flash.bin"), boot=["--image", img])
    check(dev.token, "no token printed at first boot")
    dev.expect("firmware 0.1.0+0, confirmed", since=0)
    _, dev = drive_browser(tmp, dev, "firmware", new)
    # Through the API: the new version runs, confirmed by the page (not by itself).
    st, j = dev.call("GET", "/api/ota")
    check(st == 200, f"GET /api/ota {st} {j}")
    p, s = j["primary"], j["secondary"]
    check(p["version"] == "0.1.1+0" and p["confirmed"] and not p.get("test"), f"primary {j}")
    check(s["version"] == "0.1.0+0" and not s.get("pending"), f"secondary {j}")
    out = dev.output()
    for line in ("firmware 0.1.1+0, TEST boot", "running firmware confirmed"):
        check(line in out, f"the device did not log {line!r}")
    dev.finish()


def drive_browser(tmp, dev, viewport, upload):
    """Runs dashboard.mjs against dev; reboots dev (a new process) when it prints REBOOT.
    Returns the output of the first boot (up to that reboot) and the device."""
    node = shutil.which("node")
    check(node, "node is missing (scripts/deps-node.sh installs it)")
    check(os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: apt-get install chromium "
          "(scripts/packages.txt; scripts/deps.sh installs it)")
    check(os.path.isdir(os.path.join(NODE_DIR, "node_modules", "playwright-core")),
          f"playwright-core is not installed in {NODE_DIR} (scripts/deps-node.sh)")
    os.makedirs(OUT, exist_ok=True)
    first_boot = ""
    env = dict(os.environ, NODE_PATH=os.path.join(NODE_DIR, "node_modules"))
    cmd = [node, os.path.join(HERE, "dashboard", "dashboard.mjs"), f"http://127.0.0.1:{dev.http}",
           dev.token, upload, OUT, viewport, os.path.join(tmp, "profile")]
    p = subprocess.Popen(cmd, cwd=NODE_DIR, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in p.stdout] + [lines.put(None)],
                     daemon=True).start()
    out = []
    end = time.monotonic() + 150
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.1, end - time.monotonic()))
            except queue.Empty:
                raise Fail("dashboard.mjs did not finish in 150 s")
            if line is None:
                break
            text = line.decode(errors="replace")
            out.append(text)
            sys.stdout.write(text)
            sys.stdout.flush()
            if text.strip() == "REBOOT":  # the page must reconnect by itself
                first_boot = dev.output()
                dev.finish()
                dev = ad.Device(AKIRAOS, os.path.join(tmp, "flash.bin"), http=dev.http,
                                token=dev.token)
                p.stdin.write(b"ok\n")
                p.stdin.flush()
        p.wait(10)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, 9)  # node and the chromium it started
            p.wait(10)
    check(p.returncode == 0, f"dashboard.mjs failed ({p.returncode})")
    with open(os.path.join(OUT, f"{SCENARIO}-figures.txt"), "w") as f:
        f.writelines(l for l in out if l.startswith("figure "))
    return first_boot, dev


SCENARIOS = {
    "api": t_api,
    "desktop": lambda tmp: run_browser(tmp, "desktop"),
    "phone": lambda tmp: run_browser(tmp, "phone"),
    "firmware": run_firmware,
}


def run(name):
    with ad.tempdir() as tmp:
        SCENARIOS[name](tmp)


if __name__ == "__main__":
    ad.main({n: run for n in SCENARIOS}, SCENARIO, SCENARIO)
