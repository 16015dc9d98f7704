#!/usr/bin/env python3
"""The BLE host between two akiraos processes on the simulated radio (docs/ble_host.md).

    ble_host_e2e.py AKIRAOS AKIRA_RADIO SCENARIO

Scenarios:
  env   node 2 connects to node 1, reads node 1's BME280 values (held still with `sim
        signal`) through node 1's Environmental Sensing service (GATT over the medium)
        and finds them equal to what node 1's own `sensor read bme280` says; pairs
        (LE Secure Connections, just works) and both keep the bond; reconnects and
        encrypts with the stored LTK without pairing again, and reads again
  bonds node 2 pairs with node 1 (both keep the bond in settings on their flash);
        both reboot; `bt bonds` lists the peer with its key type on each; the
        reconnection encrypts with the stored bonds (no pairing); `bt forget` on node 2
        deletes the bond (table and settings: it stays gone after another reboot); the
        next connection has to pair again
Every process started is killed by pid (tests/harness/akira_device.py).
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "harness"))
import akira_device as ad  # noqa: E402

AKIRAOS, RADIO = sys.argv[1], sys.argv[2]


def gatt_env(d, conn):
    d.console(f"gatt env {conn}")
    text = d.expect(rb"(temperature[\s\S]*?value\(s\) over GATT\n|gatt[^\n]*\n)", 20, regex=True)
    ad.check("3 value(s) over GATT" in text, f"gatt env: {text}")
    t = float(re.search(r"temperature (-?[\d.]+) C", text).group(1))
    h = float(re.search(r"humidity ([\d.]+) %", text).group(1))
    p = float(re.search(r"pressure ([\d.]+) kPa", text).group(1))
    return t, h, p


def scenario_env():
    with tempfile.TemporaryDirectory() as tmp:
        m = ad.Medium(RADIO, tmp, seed=7)
        n1 = ad.Device(AKIRAOS, http=False, args=m.args(0, 0, node=1))
        n2 = ad.Device(AKIRAOS, http=False, args=m.args(2, 0, node=2))
        # node 1's weather, held still so both readings see the same values
        for sig, v in (("temp", "31.25"), ("hum", "67.5"), ("press", "98765")):
            n1.command(f"sim signal {sig} const {v}", f"{sig}: const")
        conn = ad.bt_connect(n2, 1)
        t, h, p = gatt_env(n2, conn)
        own = ad.sensor_read(n1)
        ad.check(abs(own["ambient_temp"] - 31.25) < 0.02, f"node 1's sensor: {own}")
        ad.check(abs(own["ambient_temp"] - t) < 0.011, f"temperature: GATT {t}, sensor {own}")
        ad.check(abs(own["humidity"] - h) < 0.011, f"humidity: GATT {h}, sensor {own}")
        ad.check(abs(own["press"] - p) < 0.0011, f"pressure: GATT {p}, sensor {own}")

        n2.console(f"gatt pair {conn}")
        out = n2.expect(rb"(conn \d+: encrypted[, ][^\n]*|gatt pair[^\n]*)\n", 20, regex=True)
        ad.check("encrypted, paired, security level 2, 1 bond(s)" in out, f"pairing: {out}")
        # node 1 completes when node 2's keys reach it, a moment after node 2
        n1.wait_for(r"conn \d+: paired, bonded", 10)
        n1.console("bt bonds")
        out = n1.expect(rb"(\d+ bond\(s\))\n", 5, regex=True)
        ad.check(out == "1 bond(s)", f"node 1 bonds: {out}")

        n2.console(f"bt disconnect {conn}")
        n2.expect("disconnected conn", 10)
        conn = ad.bt_connect(n2, 1)
        n2.console(f"gatt pair {conn}")
        out = n2.expect(rb"(conn \d+: encrypted[, ][^\n]*|gatt pair[^\n]*)\n", 20, regex=True)
        ad.check("encrypted with the bond, security level 2, 1 bond(s)" in out,
                 f"re-encryption: {out}")
        ad.check(n2.output().count("paired, bonded") == 1,
                 "the reconnection paired again instead of using the bond")
        t2, _, _ = gatt_env(n2, conn)
        ad.check(t2 == t, f"temperature after reconnecting: {t2}, before {t}")
        for d in (n1, n2):
            d.poweroff()
        m.stop()


def pair(c, conn):
    c.console(f"gatt pair {conn}")
    return c.expect(rb"(conn \d+: encrypted[, ][^\n]*|gatt pair[^\n]*)\n", 20, regex=True)


def bonds(d):
    d.console("bt bonds")
    text = d.expect(rb"((?:  [^\n]*\n)*\d+ bond\(s\))\n", 5, regex=True)
    return text


def scenario_bonds():
    with tempfile.TemporaryDirectory() as tmp:
        m = ad.Medium(RADIO, tmp, seed=11)
        flash = [os.path.join(tmp, f"n{i}.flash") for i in (1, 2)]

        def boot():
            return (ad.Device(AKIRAOS, flash=flash[0], http=False, args=m.args(0, 0, node=1)),
                    ad.Device(AKIRAOS, flash=flash[1], http=False, args=m.args(2, 0, node=2)))

        n1, n2 = boot()
        ad.check(bonds(n2).endswith("0 bond(s)"), "a fresh node has bonds")
        conn = ad.bt_connect(n2, 1)
        out = pair(n2, conn)
        ad.check("encrypted, paired" in out, f"pairing: {out}")
        n1.wait_for(r"conn \d+: paired, bonded", 10)
        for d in (n1, n2):
            d.poweroff()

        n1, n2 = boot()  # both rebooted: the bonds come from settings
        b2 = bonds(n2)
        ad.check(re.search(r"C0:00:00:00:00:01 random  LE SC LTK 16 bytes, unauthenticated", b2)
                 and b2.endswith("1 bond(s)"), f"node 2's bonds after reboot: {b2}")
        b1 = bonds(n1)
        ad.check("C0:00:00:00:00:02 random" in b1 and b1.endswith("1 bond(s)"),
                 f"node 1's bonds after reboot: {b1}")
        conn = ad.bt_connect(n2, 1)
        out = pair(n2, conn)
        ad.check("encrypted with the bond" in out, f"reconnection after reboot: {out}")
        ad.check("paired, bonded" not in n2.output(), "paired again despite the stored bond")

        n2.command(f"bt disconnect {conn}", "disconnected conn")
        n2.console("bt forget C0:00:00:00:00:07")
        n2.expect("bt forget: no bond with C0:00:00:00:00:07", 5)
        n2.console("bt forget nonsense")
        n2.expect("not an address or 'all'", 5)
        n2.command("bt forget C0:00:00:00:00:01", "forgot 1 bond(s)")
        ad.check(bonds(n2).endswith("0 bond(s)"), "the bond is still listed")
        n2.poweroff()
        n2 = ad.Device(AKIRAOS, flash=flash[1], http=False, args=m.args(2, 0, node=2))
        ad.check(bonds(n2).endswith("0 bond(s)"), "the forgotten bond came back from settings")
        conn = ad.bt_connect(n2, 1)
        out = pair(n2, conn)
        ad.check("encrypted, paired" in out, f"after forget the link must pair again: {out}")
        ad.check(bonds(n2).endswith("1 bond(s)"), "no new bond after pairing again")
        for d in (n1, n2):
            d.poweroff()
        m.stop()


if __name__ == "__main__":
    ad.main({"env": scenario_env, "bonds": scenario_bonds}, sys.argv[3])
