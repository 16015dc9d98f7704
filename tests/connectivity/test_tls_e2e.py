#!/usr/bin/env python3
"""TLS, the device identity and the wall clock end to end (docs/tls.md).

usage: test_tls_e2e.py AKIRAOS AKIRA SCENARIO

Boots build/bin/akiraos through the shared harness (tests/harness/akira_device.py) with
--https-port / --shell-tls-port on free loopback ports and a fresh flash image:

  https     the fingerprint of `http tls` is the one the HTTPS handshake shows and the
            one /api/status gives; an authenticated request over HTTPS; a client pinning
            another fingerprint stops (its check); the identity's secrets are neither
            listed nor readable nor writable over the API; after a reboot the same
            fingerprint (the key survived).
  plain     akira/net/plain=0 then a reboot: the plain port is closed (connection
            refused), the boot line says so, HTTPS still answers; set back to 1: plain
            again.
  shell     the network shell over TLS: token, a command, its answer.
  hostile   malformed TLS (plain HTTP on the TLS port, a record with a bad length, an
            encrypted record of junk after a handshake, a handshake cut halfway) while a
            good HTTPS client keeps getting answers; the device stays up.
  sntp      an SNTP server in this test (UDP, loopback, free port): replies too short,
            with the wrong mode, a zero transmit time or another request's originate
            timestamp are refused (the clock stays unset); a good one sets the clock
            (`time`, /api/status, log entries get the time in the zone akira/time/tz);
            the certificate made at first boot after a sync has that notBefore.
  cli       `akira device add` over HTTPS pins the fingerprint (printed), later calls
            verify it; a device with a new identity is refused with a warning, until
            `akira device pin` re-pins it.
"""
import calendar
import json
import os
import re
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402

AKIRAOS = AKIRA = None


def boot(flash, **kw):
    kw.setdefault("https", True)
    return ad.Device(AKIRAOS, flash=flash, **kw)


def setting(d, key, value):
    d.console(f"settings set {key} {value}")
    d.console(f"settings get {key}")
    d.expect(r"(?m)^" + re.escape(value) + r"\r?$", 10, regex=True)


def https_json(d, method, path, body=None, token=None, pin=None):
    st, _, b = d.https_request(method, path, body, token, pin=pin)
    try:
        return st, json.loads(b.decode())
    except ValueError:
        return st, b


def scenario_https():
    with ad.tempdir() as tmp:
        flash = os.path.join(tmp, "flash.img")
        d = boot(flash)
        fp = d.fingerprint()
        s = d.tls_connect(pin=fp)
        check(s.cipher()[0] == "ECDHE-ECDSA-AES128-GCM-SHA256", f"cipher {s.cipher()}")
        s.close()
        st, j = https_json(d, "GET", "/api/status", pin=fp)
        check(st == 200, f"status {st}")
        check(j["tls"]["fingerprint"].replace(":", "").lower() == fp, "status fingerprint")
        check(j["tls"]["https_port"] == d.https, "status https port")
        # The token works over HTTPS like over HTTP.
        st, _ = https_json(d, "PUT", "/api/settings/app/t/x", b"1", d.token, pin=fp)
        check(st == 200, f"authenticated PUT over HTTPS: {st}")
        st, _ = https_json(d, "PUT", "/api/settings/app/t/x", b"1", "0" * 32, pin=fp)
        check(st == 401, f"wrong token over HTTPS: {st}")
        # A client that pinned another device stops at its check.
        try:
            d.tls_connect(pin="00" * 32)
            ad.fail("a wrong pin was accepted")
        except ad.Fail as e:
            check("not the pinned" in str(e), str(e))
        # Secrets: not listed, not readable, not writable.
        for port_call in (d.call, lambda m, p, b=None, t=None: https_json(d, m, p, b, t, pin=fp)):
            st, j = port_call("GET", "/api/settings?prefix=akira%2Fsecurity%2F", None, d.token)
            check(st == 200, f"settings list {st}")
            names = {e["key"]: e for e in j["keys"]}
            for k in ("akira/security/tls_key", "akira/security/tls_cert"):
                check(names.get(k, {}).get("secret") is True, f"{k} not marked secret: {j}")
                check(set(names[k]) == {"key", "length", "secret"}, f"{k} listed with {names[k]}")
            for k in ("akira/security/tls_key", "akira/security/tls_cert"):
                st, _ = port_call("GET", "/api/settings/" + k, None, d.token)
                check(st == 403, f"GET {k}: {st}")
                st, _ = port_call("PUT", "/api/settings/" + k, b"x", d.token)
                check(st == 403, f"PUT {k}: {st}")
        d.finish()
        # The identity survives a reboot: the same fingerprint, no new certificate.
        d = boot(flash, token=d.token)
        check(d.fingerprint() == fp, "the fingerprint changed across a reboot")
        check("TLS certificate made" not in d.output(), "a new certificate at the second boot")
        check(https_json(d, "GET", "/api/status", pin=fp)[0] == 200, "HTTPS after reboot")
        # Re-keying: `http tls new`, then the next boot has another identity.
        d.command("http tls new", "TLS identity deleted")
        check(d.fingerprint() == fp, "the running services changed identity before a reboot")
        tok = d.token
        d.finish()
        d = boot(flash, token=tok)
        fp2 = d.fingerprint()
        check(fp2 != fp and "TLS certificate made" in d.output(), "no new identity after tls new")
        check(https_json(d, "GET", "/api/status", pin=fp2)[0] == 200, "HTTPS with the new key")
        d.finish()


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=3).close()
        return False
    except ConnectionRefusedError:
        return True


def scenario_plain():
    with ad.tempdir() as tmp:
        flash = os.path.join(tmp, "flash.img")
        d = boot(flash)
        check(d.call("GET", "/api/status")[0] == 200, "plain allowed by default on native_sim")
        setting(d, "akira/net/plain", "0")
        tok = d.token
        d.finish()
        d = boot(flash, shell=True, token=tok)
        check("http refused" in d.output() and "shell refused" in d.output(),
              "the boot line does not say plain is refused")
        check(refused(d.http), "plain HTTP still answers with akira/net/plain=0")
        check(refused(d.shell), "the plain shell still answers with akira/net/plain=0")
        fp = d.fingerprint()
        st, j = https_json(d, "GET", "/api/status", pin=fp)
        check(st == 200 and j["tls"]["plain"] is False, f"HTTPS status {st} {j}")
        # Back on over HTTPS (the setting is not a secret).
        st, _ = https_json(d, "PUT", "/api/settings/akira/net/plain", b"1", d.token, pin=fp)
        check(st == 200, f"PUT akira/net/plain: {st}")
        d.finish()
        d = boot(flash, token=tok)
        check(d.call("GET", "/api/status")[0] == 200, "plain HTTP not back with the setting 1")
        d.finish()


def scenario_shell():
    with ad.tempdir() as tmp:
        d = boot(os.path.join(tmp, "flash.img"), shell_tls=True)
        fp = d.fingerprint()
        sh = ad.TlsShell(d.shell_tls, pin=fp)
        sh.login(d.token)
        sh.send("http tls\r\n")
        got = sh.expect(r"fingerprint ([0-9A-F:]{95})", regex=True)
        check(got.replace(":", "").lower() == fp, "fingerprint over the TLS shell")
        sh.send("exit\r\n")
        sh.close()
        # A wrong token over TLS is refused like in clear.
        sh = ad.TlsShell(d.shell_tls, pin=fp)
        sh.expect("token: ")
        sh.send("0" * 32 + "\r\n")
        sh.expect("wrong token", 10)
        sh.close()
        d.finish()


def scenario_hostile():
    with ad.tempdir() as tmp:
        d = boot(os.path.join(tmp, "flash.img"))
        fp = d.fingerprint()
        stop = threading.Event()
        errors, ok = [], [0]

        def good_client():
            while not stop.is_set():
                try:
                    st, _, _ = d.https_request("GET", "/api/status", pin=fp)
                    if st == 200:
                        ok[0] += 1
                    else:
                        errors.append(st)
                except Exception as e:  # noqa
                    errors.append(repr(e))
                time.sleep(0.05)

        t = threading.Thread(target=good_client, daemon=True)
        t.start()
        attacks = [
            b"GET /api/status HTTP/1.1\r\nHost: d\r\n\r\n",  # plain HTTP on the TLS port
            b"\x16\x03\x01\xff\xff" + b"\x01" * 200,  # handshake record, absurd length
            b"\x17\x03\x03\x00\x10" + b"\x00" * 16,  # app data before any handshake
            b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00",  # truncated ClientHello body
        ]
        for a in attacks:
            s = socket.create_connection(("127.0.0.1", d.https), timeout=5)
            s.sendall(a)
            s.settimeout(5)
            try:
                while s.recv(4096):
                    pass
            except (ConnectionResetError, socket.timeout, TimeoutError):
                pass
            s.close()
        # Junk inside an established session.
        for _ in range(3):
            s = d.tls_connect(pin=fp)
            raw = socket.socket(fileno=os.dup(s.fileno()))
            raw.sendall(b"\x17\x03\x03\x00\x20" + os.urandom(32))
            raw.close()
            s.settimeout(5)
            try:
                s.recv(100)
            except (ssl.SSLError, OSError):
                pass
            s.close()
        # Silent connections, more than the HTTPS workers: they give their workers up
        # (1 s while others wait) instead of holding them for the 10 s head timeout.
        silent = [socket.create_connection(("127.0.0.1", d.https), timeout=5) for _ in range(6)]
        t0 = time.monotonic()
        check(https_json(d, "GET", "/api/status", pin=fp)[0] == 200, "HTTPS beside silent clients")
        waited = time.monotonic() - t0
        check(waited < 8, f"a request waited {waited:.1f} s behind silent TLS connections")
        for x in silent:
            x.close()
        # A handshake cut halfway: connect, send a ClientHello's first bytes, vanish.
        s = socket.create_connection(("127.0.0.1", d.https), timeout=5)
        s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
        s.close()
        time.sleep(1)
        stop.set()
        t.join(30)
        check(not errors, f"the good client failed meanwhile: {errors[:5]}")
        check(ok[0] >= 5, f"the good client got only {ok[0]} answers")
        check(https_json(d, "GET", "/api/status", pin=fp)[0] == 200, "HTTPS after the attacks")
        d.console("http tls")
        d.expect("fingerprint ", 5)  # this run's answer, not the first one's
        failed = int(d.expect(r"failed handshakes (\d+)", 5, regex=True))
        check(failed >= 4, f"the device counted {failed} failed handshakes")
        d.finish()


# --- SNTP ------------------------------------------------------------------------------

NTP_DELTA = 2208988800
SERVER_TIME = calendar.timegm((2031, 12, 7, 9, 40, 0))


class SntpServer:
    """An SNTP server on a free loopback UDP port; mode picks the reply."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.mode = "good"
        self.requests = 0
        self.stop = False
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                req, peer = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            self.requests += 1
            if len(req) < 48:
                continue
            origin = req[40:48]
            now = SERVER_TIME + NTP_DELTA
            ts = struct.pack(">II", now, 0)
            li_vn_mode = (0 << 6) | (4 << 3) | 4
            stratum, tx, orig = 2, ts, origin
            if self.mode == "mode":
                li_vn_mode = (4 << 3) | 3
            elif self.mode == "zero":
                tx = b"\0" * 8
            elif self.mode == "origin":
                orig = bytes(8)
            elif self.mode == "kod":
                stratum = 0
            pkt = struct.pack(">BBbb", li_vn_mode, stratum, 6, -20) + bytes(8) + b"LOCL"
            pkt += ts + orig + ts + tx
            if self.mode == "short":
                pkt = pkt[:40]
            self.sock.sendto(pkt, peer)

    def close(self):
        self.stop = True
        self.t.join(5)
        self.sock.close()


def cert_not_before(der):
    with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False) as f:
        f.write(ssl.DER_cert_to_PEM_cert(der))
    try:
        return ssl._ssl._test_decode_cert(f.name)["notBefore"]
    finally:
        os.unlink(f.name)


def scenario_sntp():
    srv = SntpServer()
    try:
        with ad.tempdir() as tmp:
            d = boot(os.path.join(tmp, "flash.img"),
                     args=["--sntp", f"127.0.0.1:{srv.port}"])
            # The first boot synced before making the certificate: notBefore is the
            # server's time less a minute.
            s = d.tls_connect(pin=None)
            nb = cert_not_before(s.s.getpeercert(True))
            s.close()
            check(nb == "Dec  7 09:39:00 2031 GMT", f"certificate notBefore {nb!r}")
            d.command("time", "set by sntp 127.0.0.1")
            for mode, why in (("short", "shorter than 48"), ("mode", "mode"),
                              ("zero", "zero receive or transmit"),
                              ("origin", "originate timestamp"), ("kod", "kiss")):
                srv.mode = mode
                setting(d, "akira/time/sntp", "127.0.0.1:%d" % srv.port)
                d.console("time sync")
                d.expect("sync failed", 10)
                d.wait_for(why)
            srv.mode = "good"
            d.console("time tz +01:00")
            d.command("time tz", "UTC+01:00")
            d.console("time sync")
            got = d.expect(r"(20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-Z][0-9:]*)", 10, regex=True)
            check(got.startswith("2031-12-07T10:40"), f"time after sync {got}")
            st, j = d.call("GET", "/api/status")
            check(j.get("time", "").startswith("2031-12-07T10:4"), f"status time {j.get('time')}")
            st, j = d.call("GET", "/api/logs")
            check(any(e.get("time", "").startswith("2031-12-07T10:4") for e in j["entries"]),
                  "log entries have no wall-clock time")
            d.finish()
        with ad.tempdir() as tmp:
            # Bad replies only: the clock stays unset, the certificate has the default
            # notBefore (2025), the device runs.
            srv.mode = "zero"
            d = boot(os.path.join(tmp, "flash.img"), args=["--sntp", f"127.0.0.1:{srv.port}"])
            d.command("time", "time not set")
            st, j = d.call("GET", "/api/status")
            check("time" not in j, "a refused reply set the clock")
            s = d.tls_connect(pin=None)
            nb = cert_not_before(s.s.getpeercert(True))
            s.close()
            check(nb.endswith("2025 GMT"), f"notBefore without a clock {nb!r}")
            d.finish()
    finally:
        srv.close()


# --- the CLI -----------------------------------------------------------------------------


def akira(cfg, *args, ok=True):
    p = subprocess.run([AKIRA] + list(args), capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, AKIRA_CONFIG=cfg))
    if ok is not None:
        check((p.returncode == 0) == ok,
              f"akira {' '.join(args)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p.stdout + p.stderr


def scenario_cli():
    with ad.tempdir() as tmp:
        cfg = os.path.join(tmp, "devices")
        flash = os.path.join(tmp, "flash.img")
        d = boot(flash)
        fp = d.fingerprint()
        url = f"https://127.0.0.1:{d.https}"
        out = akira(cfg, "device", "add", "dev", url, d.token)
        colons = ":".join(fp[i:i + 2] for i in range(0, 64, 2)).upper()
        check(colons in out, f"device add did not print the pinned fingerprint:\n{out}")
        check(colons.replace(":", "").lower() in open(cfg).read().lower().replace(":", ""),
              "the pin is not in the config")
        out = akira(cfg, "status")
        check("native_sim" in out, f"status over HTTPS:\n{out}")
        # Plain http:// keeps working where the device allows it.
        akira(cfg, "device", "add", "plain", f"http://127.0.0.1:{d.http}", d.token)
        check("native_sim" in akira(cfg, "status", "--device", "plain"), "plain status")
        d.finish()
        # A new identity behind the same address (the settings wiped: another device).
        os.unlink(flash)
        d = boot(flash, https=d.https)
        out = akira(cfg, "status", "--device", "dev", ok=False)
        check("CHANGED" in out and colons in out, f"no warning for a changed certificate:\n{out}")
        fp2 = d.fingerprint()
        out = akira(cfg, "device", "pin", "dev")
        colons2 = ":".join(fp2[i:i + 2] for i in range(0, 64, 2)).upper()
        check(colons2 in out, f"device pin did not print the new fingerprint:\n{out}")
        # The token changed with the flash: set it again, then it works.
        akira(cfg, "device", "add", "dev", url, d.token)
        check("native_sim" in akira(cfg, "status", "--device", "dev"), "status after re-pin")
        d.finish()


if __name__ == "__main__":
    AKIRAOS, AKIRA = sys.argv[1], sys.argv[2]
    ad.main({"https": scenario_https, "plain": scenario_plain, "shell": scenario_shell,
             "hostile": scenario_hostile, "sntp": scenario_sntp, "cli": scenario_cli},
            sys.argv[3])
