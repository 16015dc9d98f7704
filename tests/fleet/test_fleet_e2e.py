#!/usr/bin/env python3
"""`akira fleet` end to end: a real mosquitto started by the test (loopback, a free
port, persistence in a temp dir) and 3-4 native_sim devices (build/bin/akiraos, each
with its own flash file and HTTP port), enrolled with `akira fleet enroll` over their
HTTP API (fleet key, broker, id, tags), then driven only through the broker. What lands
on a device is checked through that device's own HTTP API.

usage: test_fleet_e2e.py AKIRAOS AKIRA APPS_DIR SCENARIO [IMAGE]

Scenarios: status (every device reports; `akira fleet status` lists them with their
tags), group (a deploy to a tag lands on that group only; start), offline (a device
killed by pid during a deploy is pending, and catches up when it boots again on the
same flash), badsig (commands signed by a key the devices do not trust are refused
with a result, the app is not started), broker_restart (the broker restarted in the
middle: the devices reconnect and take commands again), waves (--wave 2 --max-fail 1
stops after a failed first wave; the rest is never sent), ota (bytes that are no
firmware refused by every target; with IMAGE, the build's signed firmware, a device
takes it, reboots into it and reports again).
"""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402
from fleet_cli import FleetCli, wait_until  # noqa: E402

AKIRAOS, AKIRA, APPS, SCENARIO = sys.argv[1:5]
IMAGE = sys.argv[5] if len(sys.argv) > 5 and sys.argv[5] else None
HELLO = os.path.join(APPS, "fleethello.wasm")


class Fleet(FleetCli):
    """The broker, the fleet key and the devices of one scenario."""

    def __init__(self, tmp):
        self.tmp = tmp
        os.environ["AKIRA_CONFIG"] = os.path.join(tmp, "devices")  # the CLI's registry
        super().__init__(AKIRA, ad.Mosquitto(tmp), os.path.join(tmp, "fleet.key"))
        self.other = os.path.join(tmp, "other.key")
        self.keygen()
        self.keygen(self.other)
        self.devs = {}

    def boot(self, name):
        """Boots (or boots again) device name on its flash file; the CLI's device entry
        follows its new HTTP port."""
        flash = os.path.join(self.tmp, name + ".img")
        old = self.devs.get(name)
        d = ad.Device(AKIRAOS, flash, http=True, token=old.token if old else None)
        check(d.token, f"{name}: no device token")
        subprocess.run([AKIRA, "device", "add", name, f"http://127.0.0.1:{d.http}", d.token],
                       check=True, capture_output=True, timeout=20)
        self.devs[name] = d
        return d

    def add(self, name, tags, key=None):
        """A new device enrolled in the fleet (trusting key: the fleet key by default)."""
        self.boot(name)
        self.run("enroll", "--device", name, "--id", name, "--tags", tags, key=key,
                 expect_rc=0)

    def apps(self, name):
        """{app: state} from the device's own HTTP API."""
        st, body = self.devs[name].call("GET", "/api/apps")
        check(st == 200, f"{name}: GET /api/apps: {st}")
        return {a["name"]: a["state"] for a in body["apps"]}

    def finish(self):
        for d in self.devs.values():
            if d.p.poll() is None:
                d.finish()
        self.broker.stop()


def lab(tmp, n):
    """A fleet of n devices dev-1.. tagged lab, every one reporting."""
    f = Fleet(tmp)
    for i in range(1, n + 1):
        f.add(f"dev-{i}", "lab")
    f.status(expect=n)
    return f


TAGS = {"dev-1": "lab,red", "dev-2": "lab,blue", "dev-3": "red", "dev-4": "blue"}


def tagged(tmp):
    """A fleet of the 4 devices of TAGS, every one reporting: their status rows."""
    f = Fleet(tmp)
    for n, t in TAGS.items():
        f.add(n, t)
    return f, f.status(expect=4)


def scenario_status():
    with ad.tempdir() as tmp:
        f, rows = tagged(tmp)
        tags = TAGS
        check(set(rows) == set(tags), f"devices listed: {sorted(rows)}")
        for n, t in tags.items():
            check(rows[n][0] and rows[n][1] == t, f"{n}: {rows[n]}")
        f.finish()


def scenario_group():
    with ad.tempdir() as tmp:
        f, _ = tagged(tmp)
        tags = TAGS
        _, out = f.run("deploy", HELLO, "--tag", "red", expect_rc=0)
        check("dev-1: ok" in out and "dev-3: ok" in out, "progress per device")
        check("2 ok, 0 failed, 0 pending, 0 skipped (of 2)" in out, "summary")
        for n, t in tags.items():
            check(("fleethello" in f.apps(n)) == ("red" in t.split(",")),
                  f"{n} ({t}): apps {f.apps(n)}")
        f.run("start", "fleethello", "--tag", "red", expect_rc=0)
        check(f.apps("dev-3")["fleethello"] == "running", "started through the broker")
        wait_until(lambda: "fleethello(running)" in f.status(expect=4)["dev-1"][2],
                   "the app running in the fleet status", 15)
        # The running app's log lines, through the broker (at most 5 lines a second).
        _, out = f.run("logs", "--device", "dev-1", "--for", "2", expect_rc=0)
        check(re.search(r"(?m)^dev-1: .*fleethello: tick \d+", out), "dev-1's app log")
        check("dev-3:" not in out, "only the device asked for")
        f.run("stop", "fleethello", "--tag", "red", expect_rc=0)
        f.finish()


def scenario_offline():
    with ad.tempdir() as tmp:
        f = lab(tmp, 3)
        f.devs["dev-3"].kill()  # by pid, SIGKILL: the broker publishes its last will
        wait_until(lambda: f.status(wait=2).get("dev-3", (True,))[0] is False,
                   "dev-3 reported offline")
        # The device's last will carries its tags (docs/fleet.md): --tag reaches it while
        # it is offline.
        rc, out = f.run("deploy", HELLO, "--tag", "lab", expect_rc=1)
        check("dev-3: pending" in out, "the offline device is pending")
        check("2 ok, 0 failed, 1 pending" in out, "summary")
        f.boot("dev-3")  # the same flash: same id, same persistent session
        wait_until(lambda: "fleethello" in f.apps("dev-3"), "dev-3 catches up", 30)
        wait_until(lambda: f.status(wait=2).get("dev-3", (False,))[0], "dev-3 online again")
        f.finish()


def scenario_badsig():
    with ad.tempdir() as tmp:
        f = lab(tmp, 2)
        f.run("deploy", HELLO, "--all", expect_rc=0)
        # Signed by a key the devices do not trust: refused, with the reason, and the
        # app stays where it was.
        rc, out = f.run("start", "fleethello", "--all", key=f.other, expect_rc=1)
        check("dev-1: failed: EACCES" in out and "bad signature" in out, "refusal shown")
        check("0 ok, 2 failed" in out, "summary")
        for n in ("dev-1", "dev-2"):
            check(f.apps(n)["fleethello"] != "running", f"{n}: started by a forged command")
        # ... and the fleet key still works after a refusal.
        f.run("start", "fleethello", "--device", "dev-1", expect_rc=0)
        check(f.apps("dev-1")["fleethello"] == "running", "started by the fleet key")
        f.finish()


def scenario_broker_restart():
    with ad.tempdir() as tmp:
        f = lab(tmp, 3)
        f.broker.stop()
        time.sleep(1)
        f.broker.start()
        # Connected again, each on its own (its back-off), as its HTTP API says.
        for n, d in f.devs.items():
            wait_until(lambda: d.call("GET", "/api/fleet", token=d.token)[1].get("connected"),
                       f"{n} reconnected", 40)
        rows = f.status(expect=3)
        check(all(r[0] for r in rows.values()), f"all online: {rows}")
        _, out = f.run("deploy", HELLO, "--all", expect_rc=0)
        check("3 ok, 0 failed" in out, "a deploy after the restart")
        f.finish()


def scenario_waves():
    with ad.tempdir() as tmp:
        f = Fleet(tmp)
        # dev-1 and dev-2 (the first wave, by id) trust another key: they refuse.
        f.add("dev-1", "lab", key=f.other)
        f.add("dev-2", "lab", key=f.other)
        f.add("dev-3", "lab")
        f.add("dev-4", "lab")
        f.status(expect=4)
        rc, out = f.run("deploy", HELLO, "--all", "--wave", "2", "--max-fail", "1", expect_rc=1)
        check("stopped after wave 1: 2 failed, more than --max-fail 1" in out, "the stop")
        check("0 ok, 2 failed, 0 pending, 2 skipped (of 4)" in out, "summary")
        for n in f.devs:
            check("fleethello" not in f.apps(n), f"{n}: installed after the stop")
        f.finish()


def scenario_ota():
    with ad.tempdir() as tmp:
        f = lab(tmp, 2)
        rc, out = f.run("ota", HELLO, "--all", expect_rc=1)
        check("dev-1: failed: ENOEXEC" in out and "dev-2: failed: ENOEXEC" in out,
              "not a firmware image: refused by each")
        if not IMAGE:
            print("no firmware image given (a sanitized build): the refusal only")
            f.finish()
            return
        d = f.devs["dev-1"]
        mark = len(d.con.buf)
        rc, out = f.run("ota", IMAGE, "--device", "dev-1", "--timeout", "120", expect_rc=0)
        check("dev-1: ok" in out, "the image taken")
        d.expect("firmware pending", 10, since=mark)
        st, body = f.devs["dev-2"].call("GET", "/api/ota")
        check(st == 200 and not body["secondary"].get("pending"), f"dev-2 untouched: {body}")
        # Rebooted into it, the device reports again.
        d.expect("boot complete", 30, since=mark)
        wait_until(lambda: f.status(wait=2).get("dev-1", (False,))[0], "dev-1 back online")
        f.finish()


SCENARIOS = {"status": scenario_status, "group": scenario_group, "offline": scenario_offline,
             "badsig": scenario_badsig, "broker_restart": scenario_broker_restart,
             "waves": scenario_waves, "ota": scenario_ota}

if __name__ == "__main__":
    ad.main(SCENARIOS, SCENARIO)
