#!/usr/bin/env python3
"""The app endpoints of the HTTP API and the `akira` CLI's device commands, end to end.

usage: test_api_apps.py AKIRAOS AKIRA APPS_DIR WORK_DIR SCENARIO

Boots build/bin/akiraos --http-port P --flash F on a free loopback port with a fresh
flash image, installs the test apps built in the test tree (APPS_DIR: ticker.wasm, a
614-byte app that logs a tick every 100 ms, and big.wasm, the same with 200 KB of data)
with raw HTTP and with the CLI, and powers the device off at the end: the exit status
must be 0, so a crash or a hang fails the test.

Scenarios: lifecycle (raw HTTP: upload, list, start, logs, stop, upgrade while running,
delete), cli (every device command, exit statuses, the server's error shown), auth
(401 without or with a wrong token, nothing changed), hostile (truncated upload,
malformed packages with the field named, bad signature, too large, bad names, chunked
upload), full (8 apps installed, a 9th refused with 507, room again after a delete),
powercut (the device killed during an upgrade's upload and after it, rebooted on the
same flash: old version, then new).
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import Fail, check, free_port  # noqa: E402
from wasm_bytes import leb, section  # noqa: E402

AKIRAOS, AKIRA, APPS, WORK_ROOT, SCENARIO = sys.argv[1:6]
WORK = os.path.join(WORK_ROOT, SCENARIO)


def Device(flash, token=None):
    dev = ad.Device(AKIRAOS, flash, http=True, token=token)
    check(dev.token, "no token printed at first boot")
    dev.port = dev.http
    dev.url = f"http://127.0.0.1:{dev.http}"
    return dev


def http(dev, method, path, body=None, token=None, headers=None, raw_body=None):
    """One request (Connection: close); returns (status, parsed JSON or raw bytes)."""
    return dev.call(method, path, body, token, headers, raw_body)


def app_file(name):
    with open(os.path.join(APPS, name), "rb") as f:
        return f.read()


def repack(src, out, **manifest):
    """A copy of a test app with another manifest (akira pack strips the old one)."""
    mf = os.path.join(WORK, out + ".manifest")
    with open(mf, "w") as f:
        for k, v in manifest.items():
            f.write(f"{k}: {v}\n")
    path = os.path.join(WORK, out)
    r = subprocess.run([AKIRA, "pack", os.path.join(APPS, src), "-o", path, "--manifest", mf],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"pack {out}: {r.stderr}")
    with open(path, "rb") as f:
        return f.read()


def package_with_manifest(text):
    """A minimal module (no functions) carrying one akira-manifest section."""
    name = b"akira-manifest"
    payload = leb(len(name)) + name + text.encode()
    return b"\0asm\1\0\0\0" + b"\0" + leb(len(payload)) + payload


def trap_in_start_package():
    """An app whose module traps in its start function: installs, never runs."""
    mod = (b"\0asm\1\0\0\0" + section(1, b"\x01\x60\x00\x00") + section(3, b"\x01\x00") +
           section(7, b"\x01\x03run\x00\x00") + section(8, b"\x00") +
           section(10, b"\x01\x03\x00\x00\x0b"))
    name = b"akira-manifest"
    text = b"name: trapstart\nversion: 1\nentry: run\n"
    return mod + section(0, leb(len(name)) + name + text)


def signed_ticker():
    """ticker as app `signed` 1, signed by a new key WORK/k.key (k.pub beside it)."""
    r = subprocess.run([AKIRA, "keygen", os.path.join(WORK, "k")], capture_output=True)
    check(r.returncode == 0, "keygen")
    signed = os.path.join(WORK, "signed.wasm")
    r = subprocess.run([AKIRA, "pack", os.path.join(APPS, "ticker.wasm"), "-o", signed,
                        "--name", "signed", "--version", "1", "--entry", "run",
                        "--key", os.path.join(WORK, "k.key")], capture_output=True, text=True)
    check(r.returncode == 0, f"pack signed: {r.stderr}")
    return signed


def apps_named(dev):
    st, j = http(dev, "GET", "/api/apps")
    check(st == 200, f"GET /api/apps: {st} {j}")
    return {a["name"]: a for a in j["apps"]}


def still_serving(dev):
    st, j = http(dev, "GET", "/api/status")
    check(st == 200 and j["board"] == "native_sim", f"device stopped serving: {st} {j}")


def wait_log(dev, name, text, timeout=5):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        st, j = http(dev, "GET", f"/api/apps/{name}/logs")
        check(st == 200, f"logs {name}: {st} {j}")
        if any(text in l["text"] for l in j["lines"]):
            return j
        time.sleep(0.1)
    raise Fail(f"{name} never logged {text!r}")


# --- scenarios ---------------------------------------------------------------------


def t_lifecycle(dev):
    tok = dev.token
    ticker = app_file("ticker.wasm")
    st, j = http(dev, "POST", "/api/apps", ticker, tok)
    check(st == 201, f"upload: {st} {j}")
    check(j["name"] == "ticker" and j["version"] == "1.0.0" and j["state"] == "installed" and
          j["signed"] is False and j["size"] == len(ticker) and j["memory_quota"] == 131072 and
          j["caps"] == [], f"upload answer: {j}")
    apps = apps_named(dev)
    check(list(apps) == ["ticker"] and "stats" in apps["ticker"], f"list: {apps}")
    st, j = http(dev, "GET", "/api/apps/ticker")
    check(st == 200 and j["name"] == "ticker", f"GET one: {st} {j}")

    st, j = http(dev, "POST", "/api/apps/ticker/start", token=tok)
    check(st == 200 and j["state"] == "running", f"start: {st} {j}")
    st, j = http(dev, "POST", "/api/apps/ticker/start", token=tok)
    check(st == 409 and "already running" in j["error"], f"second start: {st} {j}")
    st, j = http(dev, "GET", "/api/status")
    check(j["apps"] == {"installed": 1, "running": ["ticker"]}, f"status apps: {j}")
    j = wait_log(dev, "ticker", "tick 3")
    check(j["lines"][0]["text"] == "ticker up", f"first log line: {j['lines'][0]}")
    seqs = [l["seq"] for l in j["lines"]]
    check(seqs == sorted(seqs) and j["next"] == seqs[-1], f"log order/next: {j}")
    st, k = http(dev, "GET", f"/api/apps/ticker/logs?after={j['next']}")
    check(st == 200 and all(l["seq"] > j["next"] for l in k["lines"]), f"logs after: {k}")
    st, k = http(dev, "GET", "/api/apps/ticker/logs?after=x")
    check(st == 400, f"logs bad cursor: {st}")

    # Upgrade while running: the manager stops v1, commits v2, starts v2.
    v2 = repack("ticker.wasm", "ticker2.wasm", name="ticker", version="2.0.0", entry="run",
                memory_quota="128K")
    st, j = http(dev, "POST", "/api/apps", v2, tok)
    check(st == 201 and j["version"] == "2.0.0", f"upgrade: {st} {j}")
    apps = apps_named(dev)
    check(len(apps) == 1 and apps["ticker"]["version"] == "2.0.0", f"after upgrade: {apps}")
    check(apps["ticker"]["state"] in ("running", "loaded"), f"upgraded app restarted: {apps}")
    # Issue 21: an older version is refused unless the owner forces it.
    st, j = http(dev, "POST", "/api/apps", ticker, tok)
    check(st == 403 and "older than the installed 2.0.0" in j["error"] and
          j.get("field") == "version", f"downgrade: {st} {j}")
    check(apps_named(dev)["ticker"]["version"] == "2.0.0", "refused downgrade changed the app")
    st, j = http(dev, "POST", "/api/apps?downgrade=2", ticker, tok)
    check(st == 400, f"bad downgrade value: {st} {j}")
    st, j = http(dev, "POST", "/api/apps?downgrade=1", ticker, tok)
    check(st == 201 and j["version"] == "1.0.0", f"forced downgrade: {st} {j}")

    st, j = http(dev, "POST", "/api/apps/ticker/stop", token=tok)
    check(st == 200 and j["state"] == "stopped" and j["exit_code"] >= 0, f"stop: {st} {j}")
    st, j = http(dev, "POST", "/api/apps/ticker/stop", token=tok)
    check(st == 409 and "not running" in j["error"], f"second stop: {st} {j}")
    st, j = http(dev, "DELETE", "/api/apps/ticker", token=tok)
    check(st == 200 and j == {"name": "ticker", "removed": True}, f"delete: {st} {j}")
    check(apps_named(dev) == {}, "app still listed after delete")
    for m, p in (("GET", "/api/apps/ticker"), ("GET", "/api/apps/ticker/logs"),
                 ("DELETE", "/api/apps/ticker"), ("POST", "/api/apps/ticker/start")):
        st, j = http(dev, m, p, token=tok)
        check(st == 404, f"{m} {p} after delete: {st} {j}")


def cli(dev, *args, env=None, ok=True):
    e = dict(os.environ, AKIRA_CONFIG=os.path.join(WORK, "devices"))
    r = subprocess.run([AKIRA, *args], capture_output=True, text=True, env=e, timeout=60)
    if ok is not None:
        check((r.returncode == 0) == ok,
              f"akira {' '.join(args)}: exit {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


def t_cli(dev):
    r = cli(dev, "status", ok=False)
    check(r.returncode == 1 and "no device configured" in r.stderr, f"no device: {r.stderr}")
    cli(dev, "device", "add", "sim", dev.url, dev.token)
    check(oct(os.stat(os.path.join(WORK, "devices")).st_mode & 0o777) == "0o600",
          "device file is not 0600")
    r = cli(dev, "status")
    check("native_sim" in r.stdout and "running: none" in r.stdout, f"status: {r.stdout}")
    r = cli(dev, "install", os.path.join(APPS, "ticker.wasm"))
    check("installed ticker 1.0.0" in r.stdout, f"install: {r.stdout}")
    r = cli(dev, "install", os.path.join(APPS, "big.wasm"))
    check("installed big 1.0.0" in r.stdout, f"install big: {r.stdout}")
    check(apps_named(dev)["big"]["size"] == len(app_file("big.wasm")), "big's size")
    r = cli(dev, "apps")
    ticker_size = len(app_file("ticker.wasm"))
    check(re.search(rf"^ticker\s+1\.0\.0\s+installed\s+no\s+{ticker_size}\s", r.stdout, re.M) and
          re.search(r"^big\s+1\.0\.0\s+installed", r.stdout, re.M) and
          "2 installed (at most 8)" in r.stdout, f"apps: {r.stdout}")
    r = cli(dev, "start", "ticker")
    check("started ticker: running" in r.stdout, f"start: {r.stdout}")
    r = cli(dev, "status")
    check("running: ticker" in r.stdout, f"status running: {r.stdout}")
    wait_log(dev, "ticker", "tick 2")
    r = cli(dev, "logs", "ticker")
    check("ticker up" in r.stdout and "tick 1" in r.stdout, f"logs: {r.stdout}")
    # -f polls: new ticks appear while it runs; it ends cleanly on SIGTERM.
    e = dict(os.environ, AKIRA_CONFIG=os.path.join(WORK, "devices"))
    p = subprocess.Popen([AKIRA, "logs", "ticker", "-f"], stdout=subprocess.PIPE, text=True,
                         env=e)
    time.sleep(1.5)
    last_before = int(re.findall(r"tick (\d+)", cli(dev, "logs", "ticker").stdout)[-1])
    time.sleep(1.2)
    p.terminate()
    out, _ = p.communicate(10)
    ticks = [int(t) for t in re.findall(r"tick (\d+)", out)]
    check(p.returncode == 0 and ticks and max(ticks) > last_before and
          ticks == sorted(set(ticks)), f"logs -f: rc {p.returncode}, {ticks} vs {last_before}")
    r = cli(dev, "logs")
    check("connectivity: app ticker started over http" in r.stdout, f"device log: {r.stdout}")
    # -f ends by itself once the app stopped (its last lines printed first).
    p = subprocess.Popen([AKIRA, "logs", "ticker", "-f"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=e)
    time.sleep(0.5)
    r = cli(dev, "stop", "ticker")
    check("stopped ticker: stopped" in r.stdout, f"stop: {r.stdout}")
    try:
        out, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise Fail("logs -f kept polling after the app stopped")
    check(p.returncode == 0 and "ticker is stopped" in err and "tick" in out,
          f"logs -f after the stop: rc {p.returncode}, {err!r}")
    # A start that fails (a trap in the module's start function, before the entry
    # runs) is reported as a failure: HTTP 422, `akira start` exits 1, and the
    # console's `app start` says so.
    bad = os.path.join(WORK, "trapstart.wasm")
    with open(bad, "wb") as f:
        f.write(trap_in_start_package())
    cli(dev, "install", bad)
    r = cli(dev, "start", "trapstart", ok=False)
    check(r.returncode == 1 and "HTTP 422" in r.stderr and "start failed: trap" in r.stderr
          and "started" not in r.stdout, f"failed start: {r.stdout} {r.stderr}")
    dev.console("app start trapstart")
    dev.expect("app trapstart: start failed: trap")
    cli(dev, "rm", "trapstart")
    r = cli(dev, "stop", "ticker", ok=False)
    check(r.returncode == 1 and "HTTP 409" in r.stderr and "not running" in r.stderr,
          f"stop again: {r.stderr}")
    r = cli(dev, "rm", "ticker")
    check("removed ticker" in r.stdout, f"rm: {r.stdout}")
    r = cli(dev, "rm", "ticker", ok=False)
    check(r.returncode == 1 and "HTTP 404" in r.stderr and "no such app" in r.stderr,
          f"rm again: {r.stderr}")
    bad = os.path.join(WORK, "bad.wasm")
    with open(bad, "wb") as f:
        f.write(package_with_manifest("name: Bad\nversion: 1\n"))
    r = cli(dev, "install", bad, ok=False)
    check(r.returncode == 1 and "HTTP 400" in r.stderr and "name:" in r.stderr,
          f"bad install: {r.stderr}")
    r = cli(dev, "install", os.path.join(WORK, "missing.wasm"), ok=False)
    check(r.returncode == 1 and "No such file" in r.stderr, f"missing file: {r.stderr}")
    # Several devices: --device picks one; a wrong token and an unreachable one fail.
    cli(dev, "device", "add", "wrong", dev.url, "0" * 32)
    r = cli(dev, "start", "big", ok=False)  # the default is now 'wrong'
    check(r.returncode == 1 and "HTTP 401" in r.stderr and "http token" in r.stderr,
          f"wrong token: {r.stderr}")
    r = cli(dev, "start", "big", "--device", "sim")
    check("started big" in r.stdout, f"--device sim: {r.stdout}")
    cli(dev, "stop", "big", "--device", "sim")
    cli(dev, "device", "add", "gone", f"http://127.0.0.1:{free_port()}", "x")
    r = cli(dev, "apps", ok=False)
    check(r.returncode == 1 and "unreachable" in r.stderr, f"unreachable: {r.stderr}")
    r = cli(dev, "apps", "--device", "nosuch", ok=False)
    check(r.returncode == 1 and "no device 'nosuch'" in r.stderr, f"unknown device: {r.stderr}")
    r = cli(dev, "start", ok=False)
    check(r.returncode == 2, "usage error is exit 2")
    # Key management over HTTP with the CLI: trust a key, install what it signed, stop
    # trusting it. Changing keys needs the token; listing does not.
    signed = signed_ticker()
    with open(os.path.join(WORK, "k.pub")) as f:
        pub = f.read().strip()
    st, j = http(dev, "PUT", "/api/keys/dev", pub.encode())
    check(st == 401, f"PUT /api/keys without the token: {st} {j}")
    r = cli(dev, "install", signed, "--device", "sim", ok=False)
    check("HTTP 403" in r.stderr and "akira keys add" in r.stderr, f"untrusted: {r.stderr}")
    r = cli(dev, "keys", "add", "dev", os.path.join(WORK, "k.pub"), "--device", "sim")
    check("trusting dev" in r.stdout, f"keys add: {r.stdout}")
    r = cli(dev, "keys", "--device", "sim")
    check(re.search(rf"^dev\s+[0-9a-f]{{16}}\s+{pub}$", r.stdout, re.M), f"keys: {r.stdout}")
    r = cli(dev, "install", signed, "--device", "sim")
    check("installed signed 1" in r.stdout and "signed)" in r.stdout, f"signed: {r.stdout}")
    r = cli(dev, "keys", "add", "dev", os.path.join(WORK, "missing.pub"), "--device", "sim",
            ok=False)
    check("No such file" in r.stderr, f"keys add of a missing file: {r.stderr}")
    bad = os.path.join(WORK, "bad.pub")
    with open(bad, "w") as f:
        f.write("xyz\n")
    r = cli(dev, "keys", "add", "other", bad, "--device", "sim", ok=False)
    check("HTTP 400" in r.stderr and "64 hex digits" in r.stderr, f"bad key: {r.stderr}")
    r = cli(dev, "keys", "rm", "dev", "--device", "sim")
    check("no longer trusting dev" in r.stdout, f"keys rm: {r.stdout}")
    r = cli(dev, "keys", "rm", "dev", "--device", "sim", ok=False)
    check("HTTP 404" in r.stderr, f"keys rm again: {r.stderr}")
    cli(dev, "rm", "signed", "--device", "sim")
    r = cli(dev, "device", "list")
    check(r.stdout.splitlines()[-1].startswith("gone ") and "(default)" in r.stdout,
          f"device list: {r.stdout}")


def t_auth(dev):
    tok = dev.token
    ticker = app_file("ticker.wasm")
    # Two failures, then a success (which clears the address's record): the slow-down
    # after three failures from one address never kicks in.
    def refused_twice(method, path, body=None):
        for t in (None, "f" * 32):
            st, j = http(dev, method, path, body, t)
            check(st == 401 and "token" in j["error"], f"{method} {path} token {t}: {st} {j}")
    refused_twice("POST", "/api/apps", ticker)
    check(apps_named(dev) == {}, "an unauthenticated upload installed something")
    st, j = http(dev, "POST", "/api/apps", ticker, tok)
    check(st == 201, f"upload with the token: {st} {j}")
    refused_twice("POST", "/api/apps/ticker/start")
    check(apps_named(dev)["ticker"]["state"] == "installed", "an unauthenticated start acted")
    st, _ = http(dev, "POST", "/api/apps/ticker/start", token=tok)
    check(st == 200, "start with the token")
    refused_twice("POST", "/api/apps/ticker/stop")
    check(apps_named(dev)["ticker"]["state"] == "running", "an unauthenticated stop acted")
    st, _ = http(dev, "POST", "/api/apps/ticker/stop", token=tok)
    check(st == 200, "stop with the token")
    refused_twice("DELETE", "/api/apps/ticker")
    check("ticker" in apps_named(dev), "an unauthenticated delete acted")
    st, _ = http(dev, "DELETE", "/api/apps/ticker", token=tok)
    check(st == 200, "delete with the token")
    # Reading needs no token.
    st, _ = http(dev, "GET", "/api/apps")
    check(st == 200, "GET /api/apps without token")


def t_hostile(dev):
    tok = dev.token
    big = app_file("big.wasm")
    # Truncated: announce the whole package, send 100 KB, hang up.
    for cut in (100 * 1024, len(big) - 1, 10):
        s = socket.create_connection(("127.0.0.1", dev.port), timeout=10)
        s.sendall(f"POST /api/apps HTTP/1.1\r\nHost: d\r\nAuthorization: Bearer {tok}\r\n"
                  f"Content-Length: {len(big)}\r\n\r\n".encode() + big[:cut])
        s.shutdown(socket.SHUT_WR)
        try:
            while s.recv(65536):
                pass
        except ConnectionResetError:
            pass
        s.close()
        still_serving(dev)
        check(apps_named(dev) == {}, f"a truncated upload ({cut} bytes) left an app")
    dev.wait_for(rb"app upload from [^\n]* aborted after 10 bytes", 10)
    # Malformed packages: 400 with the field named.
    cases = [
        (b"this is not wasm at all", "module"),
        (package_with_manifest("name: Bad\nversion: 1\n"), "name"),
        (package_with_manifest("name: ok\n"), "version"),
        (package_with_manifest("name: ok\nversion: 1\nmemory_quota: 1K\n"), "memory_quota"),
        (package_with_manifest("name: ok\nversion: 1\nbogus: 2\n"), "bogus"),
        (b"\0asm\1\0\0\0", "manifest"),
    ]
    for body, field in cases:
        st, j = http(dev, "POST", "/api/apps", body, tok)
        check(st == 400 and j.get("field") == field and j["error"].startswith(field + ":"),
              f"malformed ({field}): {st} {j}")
    st, j = http(dev, "POST", "/api/apps", b"", tok)
    check(st == 400 and "empty" in j["error"], f"empty body: {st} {j}")
    # Signed by a key the device does not trust: 403, nothing installed.
    signed = signed_ticker()
    with open(signed, "rb") as f:
        data = f.read()
    st, j = http(dev, "POST", "/api/apps", data, tok)
    check(st == 403 and j.get("field") == "signature" and "unknown key" in j["error"] and
          "akira keys add NAME KEY.pub" in j["error"], f"untrusted signature: {st} {j}")
    # Trusted once its key is added on the console: installed, signed, signer named.
    # The same package with one byte changed: 403, the old version stays.
    with open(os.path.join(WORK, "k.pub")) as f:
        dev.console("keys add dev " + f.read().strip())
    dev.wait_for(rb"trusting 'dev'", 5)
    st, j = http(dev, "POST", "/api/apps", data, tok)
    check(st == 201 and j["signed"] is True and j.get("signer") == "dev", f"signed: {st} {j}")
    tampered = bytearray(data)
    tampered[20] ^= 0x01
    st, j = http(dev, "POST", "/api/apps", bytes(tampered), tok)
    check(st in (400, 403) and j.get("field") in ("signature", "module"),
          f"tampered: {st} {j}")
    tampered = bytearray(data)
    m = data.find(b"version: 1")
    tampered[m + 9] = ord("2")  # the manifest is signed too
    st, j = http(dev, "POST", "/api/apps", bytes(tampered), tok)
    check(st == 403 and j.get("field") == "signature" and "does not match" in j["error"],
          f"tampered manifest: {st} {j}")
    check(apps_named(dev)["signed"]["version"] == "1", "a refused upgrade replaced the app")
    # Unsigned refused once the device says so.
    dev.console("keys unsigned off")
    dev.wait_for(rb"unsigned apps: refused", 5)
    st, j = http(dev, "POST", "/api/apps", app_file("ticker.wasm"), tok)
    check(st == 403 and j.get("field") == "signature" and "allow_unsigned" in j["error"],
          f"unsigned while off: {st} {j}")
    dev.console("keys unsigned on")
    dev.wait_for(rb"unsigned apps: allowed", 5)
    st, j = http(dev, "DELETE", "/api/apps/signed", token=tok)
    check(st == 200, "delete signed")
    # Too large for a slot: 413 before the body is read.
    st, j = http(dev, "POST", "/api/apps", None, tok, {"Content-Length": "300000"})
    cap = http(dev, "GET", "/api/apps")[1]["package_max"]
    check(st == 413 and f"at most {cap} bytes" in j["error"], f"too large: {st} {j}")
    blob = big + b"\0" * 100000
    st, j = http(dev, "POST", "/api/apps", token=tok, headers={"Transfer-Encoding": "chunked"},
                 raw_body=f"{len(blob):x}\r\n".encode() + blob + b"\r\n0\r\n\r\n")
    check(st == 413 and f"at most {cap} bytes" in j["error"], f"too large, chunked: {st} {j}")
    check(apps_named(dev) == {}, "a refused upload left an app")
    # Chunked upload, in uneven pieces.
    pieces, off = b"", 0
    for n in (1, 7000, 100, 65536, 200000):
        chunk = big[off:off + n]
        if chunk:
            pieces += f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        off += n
    st, j = http(dev, "POST", "/api/apps", token=tok, headers={"Transfer-Encoding": "chunked"},
                 raw_body=pieces + b"0\r\n\r\n")
    check(st == 201 and j["name"] == "big" and j["size"] == len(big), f"chunked: {st} {j}")
    # Two uploads at once are served; a third waits for neither: 503, nothing lost.
    slow = []
    for _ in range(2):
        s = socket.create_connection(("127.0.0.1", dev.port), timeout=10)
        s.sendall(f"POST /api/apps HTTP/1.1\r\nHost: d\r\nAuthorization: Bearer {tok}\r\n"
                  f"Content-Length: {len(big)}\r\n\r\n".encode() + big[:3000])
        slow.append(s)
    time.sleep(0.5)
    st, j = http(dev, "POST", "/api/apps", app_file("ticker.wasm"), tok)
    check(st == 503 and "another upload" in j["error"], f"third upload at once: {st} {j}")
    for s in slow:
        s.close()
    time.sleep(0.3)
    st, j = http(dev, "POST", "/api/apps", app_file("ticker.wasm"), tok)
    check(st == 201, f"upload after the others ended: {st} {j}")
    st, j = http(dev, "DELETE", "/api/apps/ticker", token=tok)
    check(st == 200, "delete ticker")
    # Names: not UTF-8, dot segments, too long, not an app name, unknown.
    for path, want in (("/api/apps/%ff%fe/start", 400), ("/api/apps/../start", (400, 404)),
                       ("/api/apps/%2e%2e/start", 400), ("/api/apps/" + "a" * 40 + "/start", 400),
                       ("/api/apps/" + "a" * 300 + "/start", (400, 404, 414)),
                       ("/api/apps/Big/start", 400), ("/api/apps/a%2fb/start", 400),
                       ("/api/apps/nosuch/start", 404), ("/api/apps/%00/logs", 400)):
        st, j = http(dev, "POST" if path.endswith("start") else "GET", path, token=tok)
        check(st in (want if isinstance(want, tuple) else (want,)), f"{path}: {st} {j}")
    still_serving(dev)
    check(list(apps_named(dev)) == ["big"], "hostile names changed the apps")


def t_full(dev):
    tok = dev.token
    for i in range(1, 9):
        body = repack("ticker.wasm", f"t{i}.wasm", name=f"t{i}", version="1", entry="run",
                      memory_quota="128K")
        st, j = http(dev, "POST", "/api/apps", body, tok)
        check(st == 201, f"install t{i}: {st} {j}")
    ninth = repack("ticker.wasm", "t9.wasm", name="t9", version="1", entry="run",
                   memory_quota="128K")
    st, j = http(dev, "POST", "/api/apps", ninth, tok)
    check(st == 507 and j.get("field") == "store", f"9th install: {st} {j}")
    check(len(apps_named(dev)) == 8 and "t9" not in apps_named(dev), "9th app listed")
    # Upgrading one of the 8 still works (the spare slot), and 2 run at most.
    st, j = http(dev, "POST", "/api/apps", app_file("big.wasm"), tok)
    check(st == 507, f"a 9th (big) refused too: {st}")
    for n in ("t1", "t2"):
        st, j = http(dev, "POST", f"/api/apps/{n}/start", token=tok)
        check(st == 200, f"start {n}: {st} {j}")
    st, j = http(dev, "POST", "/api/apps/t3/start", token=tok)
    check(st == 409 and "limit" in j["error"], f"3rd running: {st} {j}")
    st, j = http(dev, "DELETE", "/api/apps/t1", token=tok)
    check(st == 200, f"delete t1: {st}")
    st, j = http(dev, "POST", "/api/apps", ninth, tok)
    check(st == 201 and j["name"] == "t9", f"9th after a delete: {st} {j}")
    check(len(apps_named(dev)) == 8, "8 apps")


def t_powercut(dev):
    """The device is killed (SIGKILL: no shutdown) in the middle of an upgrade's upload,
    and after one: rebooted on the same flash it shows the old, then the new version."""
    tok = dev.token
    flash = os.path.join(WORK, "flash.img")
    st, j = http(dev, "POST", "/api/apps", app_file("ticker.wasm"), tok)
    check(st == 201, f"install v1: {st} {j}")
    v2 = repack("big.wasm", "ticker-v2.wasm", name="ticker", version="2.0.0", entry="run",
                memory_quota="512K")
    s = socket.create_connection(("127.0.0.1", dev.port), timeout=10)
    s.sendall(f"POST /api/apps HTTP/1.1\r\nHost: d\r\nAuthorization: Bearer {tok}\r\n"
              f"Content-Length: {len(v2)}\r\n\r\n".encode() + v2[:len(v2) // 2])
    time.sleep(0.3)
    dev.kill()
    s.close()
    dev = Device(flash, tok)
    apps = apps_named(dev)
    check(list(apps) == ["ticker"] and apps["ticker"]["version"] == "1.0.0",
          f"after a cut upgrade: {apps}")
    st, j = http(dev, "POST", "/api/apps", v2, tok)
    check(st == 201 and j["version"] == "2.0.0", f"upgrade after reboot: {st} {j}")
    dev.kill()
    dev = Device(flash, tok)
    apps = apps_named(dev)
    check(list(apps) == ["ticker"] and apps["ticker"]["version"] == "2.0.0" and
          apps["ticker"]["size"] == len(v2), f"after an acknowledged upgrade: {apps}")
    st, j = http(dev, "POST", "/api/apps/ticker/start", token=tok)
    check(st == 200 and j["state"] == "running", f"start v2: {st} {j}")
    return dev


def t_race(dev):
    """Install, upgrade, start, stop and uninstall of one app from 4 clients at once:
    every answer must be what happened. A version whose install was refused is never
    seen installed (not during the storm, not at the end, not after a reboot); one that
    was answered 201 was installed; the app the storm leaves is startable."""
    import random
    tok = dev.token
    versions = [repack("ticker.wasm", f"race{k}.wasm", name="race", version=f"1.0.{k}",
                       entry="run", memory_quota="128K") for k in range(1, 41)]
    lock = threading.Lock()
    state = {"next": 0, "ok": set(), "refused": {}, "seen": set(), "answers": [], "bad": []}

    def install():
        with lock:
            k = state["next"]
            state["next"] += 1
        if k >= len(versions):
            return
        ver = f"1.0.{k + 1}"
        st, j = http(dev, "POST", "/api/apps", versions[k], tok)
        with lock:
            state["answers"].append(("install", ver, st))
            if st == 201:
                if j.get("version") != ver:
                    state["bad"].append(f"install {ver} answered 201 with {j}")
                state["ok"].add(ver)
            else:
                state["refused"][ver] = (st, j)
                if "EBUSY" in str(j):
                    state["bad"].append(f"install {ver}: {st} {j}")

    def action(what, method, path, ok_states):
        st, j = http(dev, method, path, token=tok)
        with lock:
            state["answers"].append((what, None, st))
            # Serialised, nothing is ever busy, and every package loads.
            if what == "uninstall" and st == 409 or what == "start" and st == 422:
                state["bad"].append(f"{what}: {st} {j}")
            if st == 200 and isinstance(j, dict) and "state" in j and \
                    j["state"] not in ok_states:
                state["bad"].append(f"{what} answered 200 with {j}")
            if st >= 500 and st != 503:
                state["bad"].append(f"{what}: {st} {j}")

    def look():
        st, j = http(dev, "GET", "/api/apps/race")
        if st == 200:
            with lock:
                state["seen"].add(j["version"])
                if j.get("reason") == "bad module":  # every package is good
                    state["bad"].append(f"a valid package failed to load: {j}")

    ops = [install, install,
           lambda: action("start", "POST", "/api/apps/race/start", ("running", "loaded", "stopped")),
           lambda: action("stop", "POST", "/api/apps/race/stop", ("stopped",)),
           lambda: action("uninstall", "DELETE", "/api/apps/race", ()),
           look]

    def worker(seed):
        rnd = random.Random(seed)
        for _ in range(45):
            rnd.choice(ops)()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    check(not any(t.is_alive() for t in threads), "the storm did not end")
    check(not state["bad"], f"answers that are not what happened: {state['bad']}")
    look()
    lied = {v: state["refused"][v] for v in state["seen"] if v in state["refused"]}
    check(not lied, f"installs answered as refused but installed: {lied}")
    apps = apps_named(dev)
    if "race" in apps:
        ver = apps["race"]["version"]
        check(ver in state["ok"], f"installed version {ver} was never answered 201")
        # Startable: whatever the storm did, the app the device lists can run.
        http(dev, "POST", "/api/apps/race/stop", token=tok)
        st, j = http(dev, "POST", "/api/apps/race/start", token=tok)
        check(st == 200 and j["state"] in ("running", "loaded"), f"start after the storm: {st} {j}")
        wait_log(dev, "race", "tick")
    # The store says the same after a reboot.
    flash = os.path.join(WORK, "flash.img")
    dev.finish()
    dev = Device(flash, tok)
    after = apps_named(dev)
    check(("race" in after) == ("race" in apps) and
          (not after or after["race"]["version"] == apps["race"]["version"]),
          f"after a reboot: {after} (before: {apps})")
    counts = {}
    for what, _, st in state["answers"]:
        counts[f"{what} {st}"] = counts.get(f"{what} {st}", 0) + 1
    print(f"race: {sorted(counts.items())}")
    return dev


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    dev = Device(os.path.join(WORK, "flash.img"))
    dev = {"lifecycle": t_lifecycle, "cli": t_cli, "auth": t_auth, "hostile": t_hostile,
           "full": t_full, "powercut": t_powercut, "race": t_race}[SCENARIO](dev) or dev
    still_serving(dev)
    dev.finish()


if __name__ == "__main__":
    ad.main({SCENARIO: main}, SCENARIO)
