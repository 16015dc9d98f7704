#!/usr/bin/env python3
"""The web dashboard's figures (docs/dashboard.md): its size in flash, how fast the
device serves it, what a connected dashboard costs the device and the network at rest.

usage: dashboard.py AKIRAOS BUILD_DIR [RESULTS_MD]

Boots AKIRAOS on a free loopback port (the shared harness), then:
  size       GET / as sent (gzip) and unpacked; the object file of the embedded page
             (dashboard_gz.c.o: what it adds to the firmware's flash)
  serve      GET / time to the last byte, median of 20 on fresh connections
  push       one /api/events client with the page's default topics on an idle device for
             10 s: events, bytes per second, requests (the page makes none at rest: the
             stream carries everything); the same with the hardware page's sensors
  RAM        the client's state (hello's client_bytes, on its worker's stack) and the
             worker the stream holds (reserved by the server whether used or not)
and the browser's first contentful paint from the browser tests' figures
(BUILD_DIR/artifacts/dashboard/*-figures.txt, written by `make test`) when present.
With RESULTS_MD the block between <!-- dashboard:begin/end --> is rewritten.
"""
import gzip
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "harness"))
import akira_device as ad  # noqa: E402


def stream_for(dev, query, seconds):
    s = dev.connect(10)
    s.sendall(f"GET /api/events{query} HTTP/1.1\r\nHost: d\r\n\r\n".encode())
    buf = b""
    while b"event: status" not in buf:  # the burst at connect (log history) is over
        buf += s.recv(65536)
    time.sleep(1.0)
    s.settimeout(0.2)
    try:
        while True:
            buf += s.recv(65536)
    except socket.timeout:
        pass
    body, rest = b"", buf.split(b"\r\n\r\n", 1)[1]
    while b"\r\n" in rest:  # the chunks received whole
        size, more = rest.split(b"\r\n", 1)
        n = int(size, 16)
        if len(more) < n + 2:
            break
        body, rest = body + more[:n], more[n + 2:]
    hello = json.loads(re.search(rb"event: hello\ndata: (\{[^\n]*\})", body).group(1))
    n0, t0 = 0, time.monotonic()
    events = 0
    s.settimeout(0.5)
    while time.monotonic() - t0 < seconds:
        try:
            b = s.recv(65536)
        except socket.timeout:
            continue
        n0 += len(b)
        events += b.count(b"event: ")
    s.close()
    dt = time.monotonic() - t0
    return hello, n0 / dt, events / dt


def main():
    akiraos, build = sys.argv[1], sys.argv[2]
    results = sys.argv[3] if len(sys.argv) > 3 else None
    obj = None
    for root, _, files in os.walk(os.path.join(build, "connectivity")):
        if "dashboard_gz.c.o" in files:
            obj = os.path.join(root, "dashboard_gz.c.o")
    with tempfile.TemporaryDirectory(prefix="akira-bench.") as tmp:
        dev = ad.Device(akiraos, os.path.join(tmp, "flash.bin"), http=True)
        try:
            st, h, body = dev.request("GET", "/", headers={"Accept-Encoding": "gzip"})
            assert st == 200, st
            gz, raw = len(body), len(gzip.decompress(body))
            times = []
            for _ in range(20):
                t = time.perf_counter()
                dev.request("GET", "/", headers={"Accept-Encoding": "gzip"})
                times.append((time.perf_counter() - t) * 1000)
            hello, bps, eps = stream_for(dev, "", 10)
            _, bps_hw, eps_hw = stream_for(dev, "?topics=status,log,applog,gpio,sensors", 10)
            st, stats = dev.call("GET", "/api/status")
        finally:
            dev.finish()
    flash = None
    if obj:
        out = subprocess.run(["size", "-A", obj], capture_output=True, text=True).stdout
        flash = sum(int(m.group(1)) for m in re.finditer(r"^\.rodata\S*\s+(\d+)", out, re.M))
    paint = []
    art = os.path.join(build, "artifacts", "dashboard")
    for name in sorted(os.listdir(art)) if os.path.isdir(art) else []:
        if name.endswith("-figures.txt"):
            for line in open(os.path.join(art, name)):
                f = line.split()
                if len(f) == 3 and f[1].endswith("first_paint_ms"):
                    paint.append(f"{f[1].split('_')[0]} {f[2]} ms")
    lines = [
        "| figure | value |",
        "|---|---|",
        f"| page as sent (gzip, level 9) | {gz} bytes ({gz / 1024:.1f} KiB; goal <= 64 KiB) |",
        f"| page unpacked (HTML + CSS + JS) | {raw} bytes ({raw / 1024:.1f} KiB) |",
        f"| flash taken by the embedded page (`.rodata` of dashboard_gz.c.o) | "
        + (f"{flash} bytes |" if flash is not None else "n/a (object not found) |"),
        f"| GET / to the last byte, loopback, median of 20 (min) | "
        f"{statistics.median(times):.2f} ms ({min(times):.2f}) |",
        "| first contentful paint in chromium against native_sim (browser tests) | "
        + (", ".join(paint) if paint else "run `make test` first") + " |",
        f"| RAM per connected dashboard: client state on its worker's stack | "
        f"{hello['client_bytes']} bytes |",
        "| ... plus the worker it holds (buffers; reserved at start whether used or not) | "
        "docs/connectivity.md: 9 112 bytes + the worker's stack |",
        f"| dashboards connected at once | at most {hello['clients_max']} (then 503, retried) |",
        "| requests the page makes at rest | 0 per minute (one stream carries everything) |",
        f"| push stream at rest, default topics (status every 2 s, log, app logs, GPIO) | "
        f"{bps:.0f} bytes/s, {eps:.2f} events/s |",
        f"| ... with the hardware page open (sensors every second) | "
        f"{bps_hw:.0f} bytes/s, {eps_hw:.2f} events/s |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if results:
        with tempfile.NamedTemporaryFile("w", delete=False) as f:
            f.write(text)
        subprocess.run(["sh", os.path.join(HERE, "..", "put_figures.sh"), results, "dashboard", f.name],
                       check=True)
        os.unlink(f.name)


if __name__ == "__main__":
    main()
