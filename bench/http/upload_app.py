#!/usr/bin/env python3
"""Upload throughput of an app package through POST /api/apps on loopback.

usage: upload_app.py AKIRAOS APP.wasm [RUNS]

Boots akiraos on a free port with a fresh flash image and installs APP.wasm (the 200 KB
test app, tests/connectivity/apps/big.manifest) RUNS times (default 15), deleting it
between runs (the delete is not timed). One install is timed from connect to the 201
answer: HTTP parsing, the app-upload stream, flash writes, the store's read-back CRC
check, package scan and the engine's validation. The reference, measured in the same
run: the same bytes sent over a plain loopback TCP connection to a sink that answers
one byte when it has them all. Prints medians in MB/s (10^6 bytes/s) and their ratio.
"""
import os
import socket
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "harness"))
import akira_device as ad  # noqa: E402

AKIRAOS, APP = sys.argv[1], sys.argv[2]
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 15


def raw_sink(srv, n, runs):
    for _ in range(runs):
        c, _ = srv.accept()
        got = 0
        while got < n:
            b = c.recv(65536)
            if not b:
                break
            got += len(b)
        c.sendall(b"k")
        c.close()


def main():
    with open(APP, "rb") as f:
        body = f.read()
    with ad.tempdir() as tmp:
        dev = ad.Device(AKIRAOS, os.path.join(tmp, "flash.img"), args=["--log-level", "err"])
        times = []
        try:
            for _ in range(RUNS):
                t0 = time.perf_counter()
                st = dev.request("POST", "/api/apps", body, dev.token)[0]
                times.append(time.perf_counter() - t0)
                if st != 201:
                    sys.exit(f"upload answered {st}")
                if dev.request("DELETE", "/api/apps/big", token=dev.token)[0] != 200:
                    sys.exit("delete failed")
        finally:
            dev.poweroff()
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    th = threading.Thread(target=raw_sink, args=(srv, len(body), RUNS))
    th.start()
    raw = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        c = socket.create_connection(srv.getsockname())
        c.sendall(body)
        c.recv(1)
        raw.append(time.perf_counter() - t0)
        c.close()
    th.join()
    up = len(body) / statistics.median(times) / 1e6
    ref = len(body) / statistics.median(raw) / 1e6
    print(f"app upload, {len(body)} bytes, POST /api/apps (install), median of {RUNS}: "
          f"{up:.1f} MB/s ({statistics.median(times) * 1e3:.2f} ms)")
    print(f"reference: raw loopback TCP, same bytes, same run:            "
          f"{ref:.1f} MB/s ({statistics.median(raw) * 1e3:.3f} ms)")
    print(f"ratio upload/raw: {up / ref:.3f}; seed device figures 1.3 MB/s now, 2 MB/s "
          f"target: {up / 2:.0f}x the target")


if __name__ == "__main__":
    main()
