#!/usr/bin/env python3
"""Control traffic of AkiraMesh at rest on the radio medium (bench/RESULTS.md, "Mesh"):
a line of N akiraos nodes (8 m apart, -20 dBm) with the network key, left alone for
SECONDS after their neighbours are known; each node's `mesh status` counters before and
after give its frames per minute (control = beacons, acks, route traffic). The
reference measured in the same run is the beacon schedule itself: one HELLO per 2 s
period, 30 a minute; the ratio says how much else a node sends at rest.

usage: rest_traffic.py AKIRAOS AKIRA_RADIO [N [SECONDS]]
"""
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "harness"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "mesh"))
import akira_device as ad  # noqa: E402
import mesh_e2e as me  # noqa: E402


def counters(dev):
    mark = len(dev.con.buf)
    dev.console("mesh status")
    dev.expect("routing:", 5)
    text = dev.con.buf[mark:].decode(errors="replace")
    m = re.search(r"tx frames (\d+) \(control (\d+), data (\d+)", text)
    return time.monotonic(), int(m.group(1)), int(m.group(2))


def run(akiraos, radio, n=4, seconds=30):
    with ad.tempdir() as d:
        medium = me.Medium(radio, d)
        devs = [me.node(akiraos, d, medium, i + 1, i * me.SPACING) for i in range(n)]
        for i, dev in enumerate(devs):
            me.key(dev, me.KEY, i + 1)
        me.wait_neighbours(devs[1], [1, 3])
        before = [counters(dev) for dev in devs]
        time.sleep(seconds)
        after = [counters(dev) for dev in devs]
        rates = []
        for i, (b, a) in enumerate(zip(before, after)):
            minutes = (a[0] - b[0]) / 60.0
            rates.append(((a[1] - b[1]) / minutes, (a[2] - b[2]) / minutes))
            print(f"node {i + 1}: {rates[-1][0]:.1f} frames/min, {rates[-1][1]:.1f} control")
        mean = sum(r[1] for r in rates) / len(rates)
        # a HELLO is 10 + 16 bytes of header and tag, 4 + 3 per neighbour listed
        hello = 10 + 16 + 4 + 3 * 2
        print(f"mean control traffic at rest: {mean:.1f} frames per node per minute, about "
              f"{mean * hello / 1000:.2f} KB (a HELLO with 2 neighbours is {hello} B)")
        print(f"reference (beacons, one per 2 s): 30.0 frames/min; ratio {mean / 30.0:.2f}")
        for dev in devs:
            dev.finish()
        medium.stop()


if __name__ == "__main__":
    args = sys.argv[1:]
    extra = [int(a) for a in args[2:4]]
    ad.main({"rest": run}, "rest", args[0], args[1], *extra)
