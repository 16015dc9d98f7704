#!/usr/bin/env python3
"""AkiraMesh across processes on the radio medium (akira-radio): a line of akiraos
nodes 8 m apart at -20 dBm (each hears only its neighbours), the same network key on
each, and a node with another key beside them.

  line:   ping across 3 hops, a text delivered 3 hops away, the wrong-key node neither
          listed as a neighbour nor reachable, and its frames counted as refused.
  install: node 1 relays a loopback port to node 4's device API (`mesh proxy 4`): the
          status of node 4, then an app installed on it (3 hops), started, and seen in
          node 4's own list.
  repair: a line with a detour; the relay under the route is killed (by pid) and the
          ping gets through again over the detour.

usage: mesh_e2e.py AKIRAOS AKIRA_RADIO APPS_DIR SCENARIO
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402

KEY = "11" * 16 + "22" * 16
OTHER = "33" * 32
SPACING = 8.0


class Medium:
    """akira-radio on a socket in d, killed by pid when done."""

    def __init__(self, binary, d, seed=7, loss=0.0):
        self.sock = os.path.join(d, "medium.sock")
        self.p = subprocess.Popen([binary, "--seed", str(seed), "--loss", str(loss), self.sock],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(self.sock):
                return
            time.sleep(0.05)
        self.stop()
        raise ad.Fail("akira-radio did not come up")

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait(10)


def node(akiraos, d, medium, nid, x, y=0.0):
    dev = ad.Device(akiraos, flash=os.path.join(d, f"node{nid}.img"),
                    args=["--radio", medium.sock, "--radio-node", str(nid),
                          "--radio-pos", f"{x},{y}", "--radio-tx-power", "-20",
                          "--log-level", "inf"])
    return dev


def key(dev, k, nid):
    dev.command(f"mesh key {k}", f"node {nid} up", 10)


def wait_neighbours(dev, ids, timeout=20):
    """Polls `mesh nodes` until every id in ids is listed."""
    end = time.time() + timeout
    while time.time() < end:
        mark = len(dev.con.buf)
        dev.console("mesh nodes")
        dev.expect("age-ms", 5)
        time.sleep(0.3)
        text = dev.con.buf[mark:].decode(errors="replace")
        seen = {int(m) for m in re.findall(r"(?m)^(\d+)\s+-\d+", text)}
        if set(ids) <= seen:
            return seen
        time.sleep(1)
    raise ad.Fail(f"neighbours {ids} not all seen")


def t_line(akiraos, radio):
    with ad.tempdir() as d:
        medium = Medium(radio, d)
        try:
            devs = [node(akiraos, d, medium, i + 1, i * SPACING) for i in range(4)]
            evil = node(akiraos, d, medium, 9, SPACING, 3.0)
            for i, dev in enumerate(devs):
                key(dev, KEY, i + 1)
            key(evil, OTHER, 9)
            seen = wait_neighbours(devs[1], [1, 3])
            check(9 not in seen and 4 not in seen, f"node 2's neighbours: {seen}")
            devs[0].command("mesh ping 4", "reply from 4: 3 hops", 15)
            devs[0].command("mesh send 4 hello over three hops", "delivered to 4", 15)
            devs[3].expect("text from 1 (3 hops): hello over three hops", 5)
            # the node with the other key: not reachable, and its beacons refused
            devs[1].command("mesh ping 9", "no reply from 9", 20)
            devs[1].console("mesh status")
            bad = int(devs[1].expect(rb"bad auth (\d+)", 5, regex=True))
            check(bad > 0, "node 2 refused none of node 9's frames")
            evil.command("mesh nodes", "age-ms", 5)
            for dev in devs + [evil]:
                dev.finish()
        finally:
            medium.stop()


def t_repair(akiraos, radio):
    """A diamond after a tail: 1 - 2, then 2 - 3 - 4 and 2 - 5 - 4 (3 and 5 on either
    side of the line, each in range of 2 and 4): the relay under the route dies, the
    other side takes over."""
    with ad.tempdir() as d:
        medium = Medium(radio, d)
        try:
            pos = {1: (0, 0), 2: (SPACING, 0), 3: (2 * SPACING, -4.0), 4: (3 * SPACING, 0),
                   5: (2 * SPACING, 4.0)}
            devs = {i: node(akiraos, d, medium, i, *pos[i]) for i in pos}
            for i, dev in devs.items():
                key(dev, KEY, i)
            wait_neighbours(devs[5], [2, 4])
            devs[1].command("mesh ping 4", "reply from 4: 3 hops", 15)
            devs[1].console("mesh routes")
            devs[1].expect("state", 5)
            # which relay after 2 does the route use (2's next hop to 4)?
            mark = len(devs[2].con.buf)
            devs[2].console("mesh routes")
            devs[2].expect("state", 5)
            time.sleep(0.3)
            m = re.search(rb"(?m)^4\s+(\d+)\s+", devs[2].con.buf[mark:])
            check(m is not None, "node 2 has no route to 4")
            relay = int(m.group(1))
            check(relay in (3, 5), f"node 2 routes to 4 via {relay}")
            devs[relay].kill()
            # the next pings: the first may time out while the route heals
            for attempt in range(6):
                mark = len(devs[1].con.buf)
                devs[1].console("mesh ping 4")
                line = devs[1].expect(re.compile(rb"(reply from 4|no reply from 4)"), 20,
                                      regex=True)
                if b"reply from 4" in devs[1].con.buf[mark:] and \
                        b"no reply" not in devs[1].con.buf[mark:]:
                    break
            else:
                raise ad.Fail("no route around the killed relay")
            for i, dev in devs.items():
                if i != relay:
                    dev.finish()
        finally:
            medium.stop()


def t_install(akiraos, radio, apps):
    with open(os.path.join(apps, "ticker.wasm"), "rb") as f:
        ticker = f.read()
    with ad.tempdir() as d:
        medium = Medium(radio, d)
        try:
            devs = [node(akiraos, d, medium, i + 1, i * SPACING) for i in range(4)]
            for i, dev in enumerate(devs):
                key(dev, KEY, i + 1)
            wait_neighbours(devs[2], [2, 4])
            devs[0].console("mesh proxy 4")
            port = int(devs[0].expect(rb"mesh proxy on 127.0.0.1:(\d+) to node 4", 10,
                                      regex=True))
            far = devs[3]
            st, _, body = ad.request(port, "GET", "/api/status", timeout=60)
            check(st == 200, f"status through the mesh: {st} {body[:200]}")
            # the far node's own token: without it the install is refused
            st, _, body = ad.request(port, "POST", "/api/apps", ticker, token="0" * 32,
                                     timeout=60)
            check(st == 401, f"install with a wrong token: {st} {body[:200]}")
            st, _, body = ad.request(port, "POST", "/api/apps", ticker, token=far.token,
                                     timeout=90)
            check(st == 201, f"install through the mesh: {st} {body[:200]}")
            j = ad.jbody(body)
            check(j["name"] == "ticker" and j["size"] == len(ticker), f"install answer: {j}")
            st, _, body = ad.request(port, "POST", "/api/apps/ticker/start", token=far.token,
                                     timeout=60)
            check(st == 200, f"start through the mesh: {st} {body[:200]}")
            # node 4 itself lists it, running; node 1 does not have it
            st, j = far.call("GET", "/api/apps")
            names = {a["name"]: a for a in j["apps"]} if isinstance(j, dict) else {}
            check("ticker" in names, f"node 4's apps: {j}")
            st, j = devs[0].call("GET", "/api/apps")
            check(not j["apps"], f"node 1's apps: {j}")
            for dev in devs:
                dev.finish()
        finally:
            medium.stop()


SCENARIOS = {"line": t_line, "repair": t_repair, "install": t_install}

if __name__ == "__main__":
    extra = [sys.argv[3]] if sys.argv[4] == "install" else []
    ad.main(SCENARIOS, sys.argv[4], sys.argv[1], sys.argv[2], *extra)
