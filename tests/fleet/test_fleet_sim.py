#!/usr/bin/env python3
"""`akira fleet` against a real mosquitto and SIMULATED devices (bench/fleet/fleet_sim:
MQTT clients that speak the device side of docs/fleet.md, verify the signed commands
and answer them; they store and run nothing). The CLI's own behaviour: target choice,
signing, data chunks, results, pending devices, waves with --max-fail, exit statuses.
The same scenarios with real native_sim devices are test_fleet_e2e.py.

usage: test_fleet_sim.py AKIRA FLEET_SIM APPS_DIR SCENARIO
"""
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402
from fleet_cli import FleetCli, wait_until  # noqa: E402

AKIRA, FLEET_SIM, APPS, SCENARIO = sys.argv[1:5]
HELLO = os.path.join(APPS, "fleethello.wasm")


class Sims:
    """One fleet_sim process (count simulated devices), killed by pid."""

    def __init__(self, broker, pub, prefix, count=1, tags=None, cycle=None):
        self.args = [FLEET_SIM, "--broker", broker.addr, "--trust", pub, "--prefix", prefix,
                     "--count", str(count)]
        if tags:
            self.args += ["--tags", tags]
        if cycle:
            self.args += ["--tag-cycle", cycle]
        self.start()

    def start(self):
        self.p = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.out = ad.Stream(self.p.stdout.fileno(), name="fleet_sim")
        ad.MEDIA.append(self)
        self.out.expect(re.compile(rb"fleet-sim: \d+ ready"), 15)

    def kill(self):
        self.p.kill()
        self.p.wait(10)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            self.p.wait(10)


def fleet(broker, key, *args, expect_rc=None, timeout=60):
    return FleetCli(AKIRA, broker, key).run(*args, expect_rc=expect_rc, timeout=timeout)


def status(broker, key, expect=None, wait=10):
    return FleetCli(AKIRA, broker, key).status(expect, wait)


def wait_status(broker, key, pred, what, timeout=30):
    wait_until(lambda: pred(status(broker, key, wait=2)), what, timeout)
    return status(broker, key, wait=2)


def setup(tmp):
    broker = ad.Mosquitto(tmp)
    key = os.path.join(tmp, "fleet.key")
    pub = FleetCli(AKIRA, broker, key).keygen()
    check(oct(os.stat(key).st_mode & 0o777) == "0o600", "the key file is not mode 0600")
    return broker, key, pub


def other_key(tmp):
    """A public key that is not the fleet's: devices trusting it refuse our commands."""
    return FleetCli(AKIRA, None, None).keygen(os.path.join(tmp, "other.key"))


def scenario_status():
    with ad.tempdir() as tmp:
        broker, key, pub = setup(tmp)
        Sims(broker, pub, "lab", 3, tags="lab", cycle="red,blue")
        Sims(broker, pub, "roof", 1, tags="roof")
        rows = status(broker, key, expect=4)
        check(set(rows) == {"lab-000", "lab-001", "lab-002", "roof-000"}, f"devices: {rows}")
        check(all(r[0] for r in rows.values()), f"all online: {rows}")
        check(rows["lab-001"][1] == "lab,blue" and rows["roof-000"][1] == "roof",
              f"tags: {rows}")
        # Junk retained on the broker (anyone may publish there without ACLs): ids not
        # of the contract, non-JSON, JSON of the wrong shape. Listed only when it is a
        # status object of a valid id; the rest ignored; no crash.
        for topic, payload in (("akira/UPPER/status", '{"id":"UPPER","online":true}'),
                               ("akira/junk-1/status", "not json"),
                               ("akira/junk-2/apps", '{"x":1}'),
                               ("akira/junk-3/status", '{"online":true,"tags":"x","version":12}'),
                               ("akira/junk-3/apps", '[1,"a",{"name":7}]'),
                               ("akira/" + "x" * 40 + "/status", "{}")):
            subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port), "-r", "-q", "1",
                            "-t", topic, "-m", payload], check=True, timeout=20)
        rows = status(broker, key)
        check(set(rows) == {"lab-000", "lab-001", "lab-002", "roof-000", "junk-3"},
              f"devices with junk around: {sorted(rows)}")
        check(rows["junk-3"][1] == "-", f"tags of the wrong type: {rows['junk-3']}")
        # A keygen over an existing key refuses (the devices trust its public half).
        fleet(broker, key, "keygen", expect_rc=1)


def scenario_group():
    with ad.tempdir() as tmp:
        broker, key, pub = setup(tmp)
        Sims(broker, pub, "dev", 4, cycle="red,blue")
        status(broker, key, expect=4)
        rc, out = fleet(broker, key, "deploy", HELLO, "--tag", "red", expect_rc=0)
        check(re.search(r"deploy fleethello: 2 ok, 0 failed, 0 pending, 0 skipped \(of 2\)", out),
              "summary")
        check("dev-000: ok" in out and "dev-002: ok" in out, "progress lines")
        rows = status(broker, key, expect=4)
        for d, (_, tags, apps) in rows.items():
            check(("fleethello(installed)" in apps) == ("red" in tags),
                  f"{d} ({tags}) has apps {apps!r}")
        fleet(broker, key, "start", "fleethello", "--tag", "red", expect_rc=0)
        rows = status(broker, key, expect=4)
        check("fleethello(running)" in rows["dev-000"][2], f"started: {rows}")
        # A name not installed: the device's error, exit 1.
        rc, out = fleet(broker, key, "stop", "nosuch", "--device", "dev-001", expect_rc=1)
        check("dev-001: failed: ENOENT" in out, "the device's error shown")
        fleet(broker, key, "uninstall", "fleethello", "--all", expect_rc=1)  # blue lack it
        rows = status(broker, key, expect=4)
        check(all("fleethello" not in r[2] for r in rows.values()), f"uninstalled: {rows}")
        fleet(broker, key, "deploy", HELLO, "--tag", "green", expect_rc=1)  # no target
        # A firmware image: chunks, size and SHA-256 checked by the (simulated) device.
        img = os.path.join(APPS, "fleetbig.wasm")
        rc, out = fleet(broker, key, "ota", img, "--tag", "blue", expect_rc=0)
        check("2 ok, 0 failed" in out and "26 chunks" in out, "ota to the group")


def scenario_offline():
    with ad.tempdir() as tmp:
        broker, key, pub = setup(tmp)
        Sims(broker, pub, "on", 2, tags="lab")
        late = Sims(broker, pub, "late", 1, tags="lab")
        status(broker, key, expect=3)
        late.kill()  # SIGKILL: the broker publishes its will
        wait_status(broker, key, lambda r: r.get("late-000", (True,))[0] is False,
                    "late-000 offline")
        # The will keeps the tags: a deploy to the group reaches the offline device.
        rc, out = fleet(broker, key, "deploy", HELLO, "--tag", "lab", expect_rc=1)
        check("late-000: pending" in out, "the offline device is pending")
        check("2 ok, 0 failed, 1 pending" in out, "summary")
        late.start()  # the same client id: the broker hands it the queued command
        rows = wait_status(broker, key,
                           lambda r: "fleethello(installed)" in r.get("late-000", (0, 0, ""))[2],
                           "the late device catches up")
        check(rows["late-000"][0], "late-000 back online")


def scenario_badsig():
    with ad.tempdir() as tmp:
        broker, key, pub = setup(tmp)
        Sims(broker, pub, "good", 1)
        Sims(broker, other_key(tmp), "stranger", 1)
        status(broker, key, expect=2)
        rc, out = fleet(broker, key, "deploy", HELLO, "--all", expect_rc=1)
        check("stranger-000: failed: EACCES bad signature" in out, "refused with a reason")
        check("good-000: ok" in out and "1 ok, 1 failed" in out, "summary")
        rows = status(broker, key, expect=2)
        check("fleethello" not in rows["stranger-000"][2], "nothing installed on a refusal")


def scenario_broker_restart():
    with ad.tempdir() as tmp:
        broker, key, pub = setup(tmp)
        Sims(broker, pub, "r", 3)
        status(broker, key, expect=3)
        broker.stop()
        time.sleep(1)
        broker.start()
        wait_status(broker, key,
                    lambda r: len(r) == 3 and all(v[0] for v in r.values()),
                    "every device online again after the restart")
        rc, out = fleet(broker, key, "deploy", HELLO, "--all", expect_rc=0)
        check("3 ok, 0 failed" in out, "deploy after the restart")


def scenario_waves():
    with ad.tempdir() as tmp:
        broker, key, pub = setup(tmp)
        # Sorted by id: a-000, a-001 refuse (another key), then b-000 .. b-003 accept.
        Sims(broker, other_key(tmp), "a", 2)
        Sims(broker, pub, "b", 4)
        status(broker, key, expect=6)
        rc, out = fleet(broker, key, "deploy", HELLO, "--all", "--wave", "2", "--max-fail", "1",
                        expect_rc=1)
        check("in 3 waves of 2" in out and "wave 2/3" not in out, "stopped after wave 1")
        check("stopped after wave 1: 2 failed, more than --max-fail 1" in out, "why")
        check(re.search(r"0 ok, 2 failed, 0 pending, 4 skipped \(of 6\)", out), "summary")
        rows = status(broker, key, expect=6)
        check(all("fleethello" not in r[2] for r in rows.values()), f"nothing installed: {rows}")
        # Within the budget the rollout goes on to the end.
        rc, out = fleet(broker, key, "deploy", HELLO, "--all", "--wave", "2", "--max-fail", "2",
                        expect_rc=1)
        check("wave 3/3" in out and "4 ok, 2 failed, 0 pending, 0 skipped" in out, "all waves")


SCENARIOS = {"status": scenario_status, "group": scenario_group, "offline": scenario_offline,
             "badsig": scenario_badsig, "broker_restart": scenario_broker_restart,
             "waves": scenario_waves}

if __name__ == "__main__":
    ad.main(SCENARIOS, SCENARIO)
