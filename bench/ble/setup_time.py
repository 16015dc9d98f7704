#!/usr/bin/env python3
"""BLE connection setup time and link-layer RAM on native_sim (bench/RESULTS.md).

    setup_time.py AKIRAOS AKIRA_RADIO [N]

Two nodes 3 m apart on a lossless medium; the central runs `bt connect` N times (default
10), each time until the first packet exchange of the new connection (what `bt connect`
reports: from the call through the wait for an ADV_IND, the CONNECT_IND and the transmit
window to the first packet from the peripheral), then `bt disconnect`. Prints the
median, minimum and maximum, and the link layer's RAM from `bt status`.
"""
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "harness"))
import akira_device as ad  # noqa: E402

AKIRAOS, RADIO = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 10


def run():
    with ad.tempdir() as tmp:
        m = ad.Medium(RADIO, tmp)
        a = ad.Device(AKIRAOS, http=False, args=m.args(0, 0, node=1))
        b = ad.Device(AKIRAOS, http=False, args=m.args(3, 0, node=2))
        times = []
        for _ in range(N):
            a.console("bt connect C0:00:00:00:00:02")
            out = a.expect(rb"((?:connected: conn \d+|no connection)[^\n]*)\n", 15, regex=True)
            ad.check(out.startswith("connected"), out)
            times.append(float(re.search(r"in ([0-9.]+) ms", out).group(1)))
            h = re.search(r"conn (\d+)", out).group(1)
            a.command(f"bt disconnect {h}", f"disconnected conn {h}", 10)
        ram = a.command("bt status", "per connection)", 5)
        ram = re.search(r"link layer RAM[^\n]*", a.output()).group(0)
        print(f"connection setup over {N} connects: median {statistics.median(times):.1f} ms, "
              f"min {min(times):.1f} ms, max {max(times):.1f} ms")
        print(f"{ram} (x86-64 native_sim)")
        for d in (a, b):
            d.finish()
        m.stop()


ad.main({"run": run}, "run")
