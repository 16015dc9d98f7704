#!/usr/bin/env python3
"""GATT notification throughput over the radio medium against the link layer's bound,
and the management protocol over BLE (bench/RESULTS.md, "Bluetooth LE").

    gatt_throughput.py AKIRAOS AKIRA_RADIO [AKIRA APPS_DIR]

Two nodes 2 m apart on a lossless medium. For each connection interval (50 ms, 20 ms):
node 2 connects as central, `bt link` exchanges the ATT MTU (247) and subscribes to
node 1's management TX characteristic; node 1 runs `bt flood` (full 244-byte
notifications, as fast as its host queues them) for 5 s; the bytes node 2's link layer
received (`bt status`, data) give the GATT payload rate (244 of every 251 bytes: L2CAP
and ATT headers). The bound of the link layer's timing model is EXCHANGES_MAX (8) PDUs
per connection event, each one 251-byte PDU = one notification: 8 x 244 B / interval.
With AKIRA and APPS_DIR (tests/connectivity/api_apps), also times `akira --ble 1 install`
of a 20 KB app against the stop-and-wait bound of the serial protocol (one 256-byte
DATA frame per connection interval at best).
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "harness"))
import akira_device as ad  # noqa: E402

AKIRAOS, RADIO = sys.argv[1], sys.argv[2]
AKIRA = sys.argv[3] if len(sys.argv) > 3 else None
APPS = sys.argv[4] if len(sys.argv) > 4 else None
SECONDS = 5


def conn_line(d, peer):
    """(handle, data bytes received) of the connection with peer, from a new `bt status`."""
    pat = rf"  conn (\d+) {peer} [^\n]*data (\d+)\r?\n"
    seen = len(re.findall(pat, d.output()))
    d.console("bt status")
    end = time.monotonic() + 5
    while time.monotonic() < end:
        found = re.findall(pat, d.output())
        if len(found) > seen:
            return int(found[-1][0]), int(found[-1][1])
        time.sleep(0.05)
    raise ad.Fail(f"no connection with {peer} in bt status")


def flood(m, interval):
    n1 = ad.Device(AKIRAOS, http=False, args=m.args(0, 0, node=1))
    n2 = ad.Device(AKIRAOS, http=False, args=m.args(2, 0, node=2) + ["--serial-uart", "off"])
    n2.console(f"bt connect C0:00:00:00:00:01 {interval}")
    out = n2.expect(rb"((?:connected: conn \d+|no connection)[^\n]*)\n", 20, regex=True)
    ad.check(out.startswith("connected"), out)
    c2 = int(re.search(r"conn (\d+)", out).group(1))
    n2.console(f"bt link {c2} uart1")
    out = n2.expect(rb"((?:link|bt link)[^\n]*)\n", 20, regex=True)
    ad.check(out.startswith("link:"), out)
    c1, _ = conn_line(n1, "C0:00:00:00:00:02")
    _, before = conn_line(n2, "C0:00:00:00:00:01")
    t0 = time.monotonic()
    n1.console(f"bt flood {c1} {SECONDS * 1000}")
    out = n1.expect(rb"((?:flood|bt flood)[^\n]*)\n", SECONDS + 10, regex=True)
    ad.check(out.startswith("flood:"), out)
    time.sleep(2 * interval / 1000 + 0.5)  # the last queued PDUs
    _, after = conn_line(n2, "C0:00:00:00:00:01")
    got = (after - before) * 244 / 251 / SECONDS
    bound = 8 * 244 / (interval / 1000)
    print(f"interval {interval} ms, MTU 247: {got / 1000:.1f} kB/s of GATT payload, "
          f"bound {bound / 1000:.1f} kB/s (8 PDUs of 244 B per event), ratio {got / bound:.2f}"
          f"  [{out}]")
    if os.environ.get("VERBOSE"):
        print(n1.output()[-2500:], n2.output()[-2500:])
    for d in (n1, n2):
        d.poweroff()


def install(m, tmp):
    n1 = ad.Device(AKIRAOS, http=False, args=m.args(0, 0, node=1))
    token = n1.http_token()
    with open(os.path.join(APPS, "ticker.wasm"), "rb") as f:
        w = f.read()
    payload = b"\x03pad" + bytes(i & 0xff for i in range(20480))
    n = len(payload)
    leb = bytes([(n & 0x7f) | 0x80, (n >> 7) & 0x7f]) if n < 16384 else \
        bytes([(n & 0x7f) | 0x80, ((n >> 7) & 0x7f) | 0x80, n >> 14])
    src = os.path.join(tmp, "p.wasm")
    with open(src, "wb") as f:
        f.write(w + b"\x00" + leb + payload)
    app = ad.pack_app(AKIRA, src, os.path.join(tmp, "padded.wasm"),
                      manifest={"name": "padded", "version": "1.0.0"})
    size = os.path.getsize(app)
    t0 = time.monotonic()
    r = subprocess.run([AKIRA, "--ble", "1", "--radio", m.sock, "--token", token, "install",
                        app], capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, AKIRA_OS=AKIRAOS))
    total = time.monotonic() - t0
    ad.check(r.returncode == 0, r.stdout + r.stderr)
    ms = float(re.search(r"in ([\d.]+) ms", r.stdout).group(1))
    rate = size / (ms / 1000)
    bound = 256 / 0.050
    print(f"akira --ble install, {size} B at interval 50 ms: upload {ms / 1000:.1f} s, "
          f"{rate / 1000:.2f} kB/s, stop-and-wait bound {bound / 1000:.2f} kB/s, ratio "
          f"{rate / bound:.2f}; the whole command {total:.1f} s (helper boot, connect, "
          f"discovery)")
    n1.poweroff()


def run():
    with ad.tempdir() as tmp:
        m = ad.Medium(RADIO, tmp)
        for interval in [int(x) for x in os.environ.get("INTERVALS", "50,20").split(",")]:
            flood(m, interval)
        if AKIRA and APPS:
            install(m, tmp)
        m.stop()


if __name__ == "__main__":
    ad.main({"run": run}, "run")
