#!/usr/bin/env python3
"""Device management over BLE (docs/ble.md, "Management over BLE"): `akira --ble NODE`
from the tool's own node on the radio medium to an akiraos node.

    ble_transport_e2e.py AKIRAOS AKIRA_RADIO AKIRA APPS_DIR SCENARIO

Scenarios:
  install   status, install of an app, apps, start (the app runs on the node), logs,
            stop over BLE; a wrong token is refused (401) and installs nothing; a node
            that is not on the medium fails cleanly
  linkloss  an install cut by a link loss (the medium drops everything: supervision
            timeout) fails with an error and installs nothing; the medium back, the
            same command installs the app whole
Every process started is killed by pid (tests/harness/akira_device.py); the tool's
helper node is powered off by the tool (then killed by pid).
"""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "harness"))
import akira_device as ad  # noqa: E402
from wasm_bytes import custom  # noqa: E402

AKIRAOS, RADIO, AKIRA, APPS = sys.argv[1:5]


def ble(m, token, *args, timeout=120):
    """`akira --ble 1 --radio SOCK --token T ARGS`: (status, stdout, stderr)."""
    cmd = [AKIRA, "--ble", "1", "--radio", m.sock, "--radio-pos", "1,0", "--token", token]
    env = dict(os.environ, AKIRA_OS=AKIRAOS)
    r = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=timeout,
                       env=env)
    return r.returncode, r.stdout, r.stderr


def ok(m, token, *args):
    rc, out, err = ble(m, token, *args)
    ad.check(rc == 0, f"akira --ble {' '.join(args)}: status {rc}: {out}{err}")
    return out


def transport_bytes(d):
    d.console("bt status")
    text = d.expect(rb"management over BLE: (\d+) B in", 5, regex=True)
    return int(text)


def padded_app(tmp, size=20480):
    """The ticker app with a custom section of size bytes, packed as `padded`."""
    with open(os.path.join(APPS, "ticker.wasm"), "rb") as f:
        w = f.read()
    pad = custom("pad", bytes(i & 0xff for i in range(size)))
    src = os.path.join(tmp, "padded-src.wasm")
    with open(src, "wb") as f:
        f.write(w + pad)
    return ad.pack_app(AKIRA, src, os.path.join(tmp, "padded.wasm"),
                       manifest={"name": "padded", "version": "1.0.0"})


def scenario_install():
    with tempfile.TemporaryDirectory() as tmp:
        m = ad.Medium(RADIO, tmp, seed=5)
        n1 = ad.Device(AKIRAOS, http=False, args=m.args(0, 0, node=1))
        ad.check("ble transport: device API on GATT" in n1.output(), "no BLE transport at boot")
        token = n1.http_token()
        out = ok(m, token, "status")
        ad.check(re.search(r"version: \S+ on native_sim", out), f"status over BLE: {out}")
        out = ok(m, token, "install", os.path.join(APPS, "ticker.wasm"))
        ad.check("installed ticker 1.0.0 on ble:1" in out, f"install over BLE: {out}")
        n1.wait_for(r"app ticker 1.0.0 installed over http by serial:ble", 5)
        out = ok(m, token, "start", "ticker")
        ad.check("started ticker: running" in out, f"start over BLE: {out}")
        n1.wait_for(r"ticker: tick \d+", 10)  # it runs on node 1
        out = ok(m, token, "apps")
        ad.check(re.search(r"ticker\s+1\.0\.0\s+running", out), f"apps over BLE: {out}")
        out = ok(m, token, "logs", "ticker")
        ad.check("tick" in out, f"logs over BLE: {out}")
        ok(m, token, "stop", "ticker")

        # the token is the same check as over TCP and the serial line
        rc, out, err = ble(m, "0" * 32, "install", os.path.join(APPS, "big.wasm"))
        ad.check(rc == 1 and "HTTP 401" in err, f"wrong token over BLE: {rc} {out}{err}")
        out = ok(m, token, "apps")
        ad.check("big" not in out and "1 installed" in out, f"the refused install: {out}")

        # a node that is not there: a clean error, no helper left behind
        cmd = [AKIRA, "--ble", "9", "--radio", m.sock, "--token", token, "status"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, AKIRA_OS=AKIRAOS))
        ad.check(r.returncode == 1 and "no connection to C0:00:00:00:00:09" in r.stderr,
                 f"absent node: {r.returncode} {r.stderr}")
        ad.check(transport_bytes(n1) > 0, "no bytes counted by the transport")
        n1.finish()
        m.stop()


def scenario_linkloss():
    with tempfile.TemporaryDirectory() as tmp:
        m = ad.Medium(RADIO, tmp, seed=9)
        n1 = ad.Device(AKIRAOS, http=False, args=m.args(0, 0, node=1))
        token = n1.http_token()
        app = padded_app(tmp)
        cmd = [AKIRA, "--ble", "1", "--radio", m.sock, "--radio-pos", "1,0", "--token", token,
               "install", app]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, AKIRA_OS=AKIRAOS))
        try:
            end = time.monotonic() + 60
            while transport_bytes(n1) < 3000:  # the upload is under way
                ad.check(time.monotonic() < end and p.poll() is None, "the upload did not start")
                time.sleep(0.3)
            m.ctl("loss", "1")  # the link is lost: nothing gets through any more
            out, err = p.communicate(timeout=90)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(10)
        ad.check(p.returncode == 1 and "timed out" in err,
                 f"the cut install: status {p.returncode}: {out}{err}")
        n1.wait_for(r"closed: reason 0x08", 15)  # supervision timeout on the device
        ad.check("app padded 1.0.0 installed" not in n1.output(), "a cut upload was installed")
        m.ctl("loss", "0")
        rc, out, err = ble(m, token, "install", app)
        ad.check(rc == 0 and "installed padded 1.0.0 on ble:1" in out,
                 f"the next install: {rc} {out}{err}")
        out = ok(m, token, "apps")
        size = os.path.getsize(app)
        ad.check(re.search(rf"padded\s+1\.0\.0\s+installed\s+no\s+{size}\b", out),
                 f"apps after the retry ({size} bytes expected): {out}")
        n1.finish()
        m.stop()


if __name__ == "__main__":
    ad.main({"install": scenario_install, "linkloss": scenario_linkloss}, sys.argv[5])
