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
  partition: the line cut in two by moving a relay's radio away on the medium, then
          healed by moving it back.
  random: 8 nodes at seeded random places, 10 % loss per frame: pings between random
          pairs, delivery ratio and latency printed (>= 90 % answered).

  apps:   the SDK examples across the line: sensor-node on node 1 sends its BME280
          samples to the collector on node 4 (3 hops), which logs the same values the
          sender logged (and the simulated ones); mesh-chat on nodes 1 and 4: a
          broadcast line, a unicast answer acknowledged end to end, and a unicast to
          a node that does not exist reported to the app as not delivered (ENOTCONN).
  rf:     rf-beacon on two nodes without a mesh key: each hears the other's packets
          with an RSSI; the radio claim: a mesh key set while the app holds the radio
          leaves the mesh down, stopping the app brings the mesh up, and rf-beacon
          started again gets EBUSY.
  hostile: the hostile test app (tests/mesh/apps/hostile.c): EACCES without the
          capabilities, or on a channel/topic outside the manifest, EFAULT for bad
          pointers, ETOOBIG for oversized packets; a flood of packets (rf), then of mesh
          messages, from another node is dropped and counted beyond the app's queue,
          and the node keeps serving; a stopped app's radio claim is gone.

usage: mesh_e2e.py AKIRAOS AKIRA_RADIO APPS_DIR SCENARIO [EXAMPLES_DIR TEST_APPS_DIR]
"""
import math
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402

KEY = "11" * 16 + "22" * 16
OTHER = "33" * 32
SPACING = 8.0


def Medium(binary, d, seed=7, loss=0.0):
    """The medium of the harness (akira-radio, killed by pid by ad.main)."""
    return ad.Medium(binary, d, seed=seed, loss=loss)


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


def install(dev, path, start=True):
    """Installs the package at path on dev over HTTP (and starts it)."""
    with open(path, "rb") as f:
        body = f.read()
    st, _, b = dev.request("POST", "/api/apps", body, token=dev.token)
    check(st == 201, f"install {path}: {st} {b[:200]}")
    name = ad.jbody(b)["name"]
    if start:
        app_start(dev, name)
    return name


def app_start(dev, name):
    st, _, b = dev.request("POST", f"/api/apps/{name}/start", token=dev.token)
    check(st == 200, f"start {name}: {st} {b[:200]}")


def app_stop(dev, name):
    st, _, b = dev.request("POST", f"/api/apps/{name}/stop", token=dev.token)
    check(st == 200, f"stop {name}: {st} {b[:200]}")


SAMPLE = r"sample (\d+): T=(-?\d+\.\d+) P=(\d+\.\d+) H=(\d+\.\d+)"


def t_apps(akiraos, radio, examples):
    with ad.tempdir() as d:
        medium = Medium(radio, d)
        devs = [node(akiraos, d, medium, i + 1, i * SPACING) for i in range(4)]
        for i, dev in enumerate(devs):
            key(dev, KEY, i + 1)
        first, far = devs[0], devs[3]
        # the sender's simulated BME280 holds still, so its samples are known
        for sig, v in (("temp", "23.25"), ("press", "100500"), ("hum", "40.5")):
            first.command(f"sim signal {sig} const {v}", f"{sig}: const", 5)
        wait_neighbours(devs[2], [2, 4])
        install(far, os.path.join(examples, "collector.wasm"))
        install(far, os.path.join(examples, "mesh-chat.wasm"))
        install(first, os.path.join(examples, "mesh-chat.wasm"))
        install(first, os.path.join(examples, "sensor-node.wasm"))
        first.wait_for(r"sensor-node: collector is node 4 \(3 hops\)", 30)
        # the collector logs samples that crossed 3 hops, equal to what the sender read
        got = ad.app_logs(far, "collector", r"collector: node 1 \(3 hops\) " + SAMPLE, 40)
        n, t, p, h = got.group(1), got.group(2), got.group(3), got.group(4)
        sent = ad.app_logs(first, "sensor-node", r"sensor-node: sample " + n +
                           r": T=(-?\d+\.\d+) P=(\d+\.\d+) H=(\d+\.\d+)", 10)
        check(sent.groups() == (t, p, h), f"sample {n}: sent {sent.groups()}, got {(t, p, h)}")
        check(abs(float(t) - 23.25) < 0.05 and abs(float(p) - 100.5) < 0.01 and
              abs(float(h) - 40.5) < 0.2, f"sample {n} is not the simulated weather: {t} {p} {h}")
        # chat: a broadcast line from node 1 (a flood is not acknowledged: a line lost on
        # a loaded machine is typed again, as a user would), a unicast answer from node 4
        for attempt in range(3):
            first.command(f"ipc pub chat/say hello-from-one-{attempt}", "queued for 1", 5)
            try:
                ad.app_logs(far, "mesh-chat", r"chat: <1, 3 hops> hello-from-one-\d", 10)
                break
            except ad.Fail:
                if attempt == 2:
                    raise
        far.command('ipc pub chat/say "@1 hello back"', "queued for 1", 5)
        ad.app_logs(first, "mesh-chat", r"chat: <4, 3 hops, to me> hello back", 20)
        ad.app_logs(far, "mesh-chat", r"chat: #\d+ delivered", 30)
        # a node nobody has: the app hears that its unicast found no route (ENOTCONN)
        first.command('ipc pub chat/say "@9 anyone there"', "queued for 1", 5)
        ad.app_logs(first, "mesh-chat", r"chat: #\d+ not delivered \(-29\)", 40)
        for dev in devs:
            dev.finish()
        medium.stop()


def logs_of(dev, app):
    mark = len(dev.con.buf)
    dev.console("app logs " + app)
    ad.sync(dev)
    return dev.con.buf[mark:].decode(errors="replace")


def t_rf(akiraos, radio, examples):
    with ad.tempdir() as d:
        medium = Medium(radio, d)
        a = node(akiraos, d, medium, 1, 0)
        b = node(akiraos, d, medium, 2, SPACING)
        for dev in (a, b):
            install(dev, os.path.join(examples, "rf-beacon.wasm"))
        for dev, other in ((a, b), (b, a)):
            m = ad.app_logs(dev, "rf-beacon",
                            r"rf-beacon: heard \d+ bytes at (-\d+) dBm, lq (\d+): beacon \d+", 20)
            rssi = int(m.group(1))
            check(-90 < rssi < -20, f"RSSI {rssi} dBm at 8 m and -20 dBm")
        # the radio is the app's: a mesh key stored now leaves the mesh down
        a.command(f"mesh key {KEY}", "the radio is held by an app", 10)
        a.command("mesh status", "mesh: down (the radio is held by app rf-beacon)", 5)
        # stopping the app gives it back, and the mesh comes up on the stored key
        app_stop(a, "rf-beacon")
        a.wait_for(r"mesh: node 1 up", 10)
        # now the app cannot have it
        app_start(a, "rf-beacon")
        ad.app_logs(a, "rf-beacon", r"rf-beacon: no radio: -5", 10)
        ad.app_logs(a, "rf-beacon", r"radio1 is held by mesh", 5)
        for dev in (a, b):
            dev.finish()
        medium.stop()


EXPECT = {  # hostile.c's calls with capabilities rf and mesh (channel 5, topic "ok")
    "rf_configure channel 6": -9, "rf_configure channel 5": 0, "rf_send bad pointer": -17,
    "rf_send 256 bytes": -21, "rf_recv bad info": -17, "rf_recv bad timeout": -1,
    "mesh_subscribe nope": -9, "mesh_subscribe ok": 1, "mesh_send bad pointer": -17,
    "mesh_send nope": -9, "mesh_send 257 bytes": -21, "mesh_send to 0": -1,
    "mesh_recv bad info": -17, "mesh_neighbours bad pointer": -17, "mesh_recv": -7,
}


def results(dev, app):
    ad.app_logs(dev, app, r"hostile: done", 15)
    text = logs_of(dev, app)
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"hostile: ([a-z_ 0-9]+) = (-?\d+)", text)}


def flooded(a, b, flooder, sent, dropped, least):
    """Runs the flooder package on b until its log says sent; the hostile app on a then
    reports at least `least` dropped (its queue holds 8), and a still answers."""
    name = install(b, flooder)
    ad.app_logs(b, name, sent, 30)
    m = ad.app_logs(a, "hostile", dropped, 15)
    check(int(m.group(1)) >= least, f"{name}: {m.group(1)} dropped, expected {least} or more")
    st, _ = a.call("GET", "/api/status")
    check(st == 200, f"node 1 after {name}: {st}")


def t_hostile(akiraos, radio, examples, apps):
    with ad.tempdir() as d:
        medium = Medium(radio, d)
        a = node(akiraos, d, medium, 1, 0)
        b = node(akiraos, d, medium, 2, SPACING)
        # without the capabilities: every call is refused, counted, nothing breaks
        install(a, os.path.join(apps, "nocap.wasm"))
        got = results(a, "nocap")
        check(got.keys() == EXPECT.keys() and set(got.values()) == {-9},
              f"no capability: {got}")
        app_stop(a, "nocap")
        install(a, os.path.join(apps, "hostile.wasm"))
        got = results(a, "hostile")
        check(got == EXPECT, f"hostile: {got}")
        # a flood from node 2 on the app's channel: its queue holds 8, the rest is counted
        flooded(a, b, os.path.join(apps, "flood.wasm"), r"flood: configure 0, sent 60",
                r"hostile: rf dropped ([1-9]\d*)", 60 - 8 - 5)
        # stop releases the claim: the flood app on node 1 now gets the radio
        app_stop(a, "hostile")
        install(a, os.path.join(apps, "flood.wasm"))
        ad.app_logs(a, "flood", r"flood: configure 0, sent 60", 20)
        app_stop(a, "flood")
        app_stop(b, "flood")
        # a flood of mesh messages: the app's queue holds 8, the rest is counted
        for i, dev in enumerate((a, b)):
            key(dev, KEY, i + 1)
        wait_neighbours(a, [2])
        app_start(a, "hostile")  # rf_configure is EBUSY now (the mesh runs): not checked
        ad.app_logs(a, "hostile", r"hostile: done", 15)
        flooded(a, b, os.path.join(apps, "meshflood.wasm"), r"meshflood: sent 30",
                r"hostile: rf dropped -?\d+, mesh dropped ([1-9]\d*)", 30 - 8 - 8)
        for dev in (a, b):
            dev.finish()
        medium.stop()


def ping(dev, dst, timeout=20):
    """`mesh ping dst`: (hops, ms) of the reply, or None when none came."""
    mark = len(dev.con.buf)
    dev.console(f"mesh ping {dst}")
    dev.expect(re.compile(rf"(reply from {dst}:|no reply from {dst})".encode()), timeout,
               since=mark, regex=True)
    m = re.search(rb"reply from %d: (\d+) hops, time (\d+) ms" % dst, dev.con.buf[mark:])
    if m and b"no reply" not in dev.con.buf[mark:m.start()]:
        return int(m.group(1)), int(m.group(2))
    return None


def t_partition(akiraos, radio):
    """A line 1-2-3-4 cut in two by moving node 2's radio away (akira-radio ctl pos),
    then healed by moving it back: no reply across the cut, replies again after."""
    with ad.tempdir() as d:
        medium = Medium(radio, d)
        devs = [node(akiraos, d, medium, i + 1, i * SPACING) for i in range(4)]
        for i, dev in enumerate(devs):
            key(dev, KEY, i + 1)
        wait_neighbours(devs[2], [2, 4])
        check(ping(devs[0], 4) is not None, "no reply across the line before the cut")
        # node 2's mesh radio is radio1: medium id 65536 + 2
        check("node 65538 at 0.00,500.00" in medium.ctl("pos", 65538, 0, 500), "move")
        time.sleep(2 * 4 + 1)  # four beacon periods: node 2 is gone from its neighbours
        check(ping(devs[0], 4) is None, "a reply across the partition")
        check(ping(devs[3], 3) is not None, "the far side lost itself")
        medium.ctl("pos", 65538, SPACING, 0)
        for _ in range(6):
            if ping(devs[0], 4) is not None:
                break
            time.sleep(1)
        else:
            raise ad.Fail("the partition did not heal")
        for dev in devs:
            dev.finish()
        medium.stop()


def connected(pos, reach):
    seen, todo = {0}, [0]
    while todo:
        i = todo.pop()
        for j in range(len(pos)):
            if j not in seen and math.dist(pos[i], pos[j]) <= reach:
                seen.add(j)
                todo.append(j)
    return len(seen) == len(pos)


def t_random(akiraos, radio, n=8, loss=0.1, seed=17, pings=24):
    """n nodes at random places (seeded; connected when links reach 10 m, about 2 m
    less than a -20 dBm frame carries) on a medium that loses 10 % of the frames at
    every receiver; pings between random pairs: delivery ratio, latency and hops,
    printed. A ping that finds no reply is the end-to-end loss the figure counts."""
    rnd = random.Random(seed)
    while True:
        pos = [(rnd.uniform(0, 24), rnd.uniform(0, 16)) for _ in range(n)]
        if connected(pos, 10.0):
            break
    with ad.tempdir() as d:
        medium = Medium(radio, d, seed=seed, loss=loss)
        devs = [node(akiraos, d, medium, i + 1, *pos[i]) for i in range(n)]
        for i, dev in enumerate(devs):
            key(dev, KEY, i + 1)
        time.sleep(8)  # a few beacon periods: neighbours and link qualities
        got = []
        for _ in range(pings):
            a, b = rnd.sample(range(n), 2)
            got.append(ping(devs[a], b + 1))
        ok = [g for g in got if g]
        ratio = len(ok) / len(got)
        print(f"random layout of {n} nodes, {loss:.0%} loss: {len(ok)}/{len(got)} pings "
              f"answered ({ratio:.0%}), mean {sum(g[1] for g in ok) / max(len(ok), 1):.0f} ms, "
              f"{sum(g[0] for g in ok) / max(len(ok), 1):.1f} hops on average")
        check(ratio >= 0.9, f"only {ratio:.0%} of the pings answered")
        for dev in devs:
            dev.finish()
        medium.stop()


SCENARIOS = {"line": t_line, "partition": t_partition, "random": t_random, "repair": t_repair, "install": t_install, "apps": t_apps,
             "rf": t_rf, "hostile": t_hostile}

if __name__ == "__main__":
    name = sys.argv[4]
    extra = {"install": [sys.argv[3]], "apps": sys.argv[5:6], "rf": sys.argv[5:6],
             "hostile": sys.argv[5:7]}.get(name, [])
    ad.main(SCENARIOS, name, sys.argv[1], sys.argv[2], *extra)
