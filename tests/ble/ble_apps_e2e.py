#!/usr/bin/env python3
"""The app API modules "ble" and "hid" between akiraos processes on the simulated radio
(docs/runtime_api.md, docs/ble_host.md).

    ble_apps_e2e.py AKIRAOS AKIRA_RADIO EXAMPLES_DIR TEST_APPS_DIR SCENARIO

Scenarios:
  beacon    node 1 runs the SDK's ble-beacon (BME280 held still with `sim signal`);
            node 2's ble-client app scans, finds the beacon's service data and its
            values, connects, discovers two Environmental Sensing services (the
            device's and the app's), reads the app's, subscribes and gets notified; the
            values equal node 1's own `sensor read bme280`. Node 2's shell sees the same
            through `gatt services|chrs|read`; once the beacon is stopped its service is
            gone from node 2's discovery
  macropad  node 1 runs the SDK's macropad; node 2 connects, pairs and becomes its HID
            host; buttons pressed on node 1 (`input press|release`) arrive at node 2 as
            key codes (`hid keys`); the LEDs node 2 sets (`hid leds`) reach the app
  hostile   apps without `ble`/`hid` get EACCES, bad pointers EFAULT, a service UUID
            outside the manifest EACCES, scanning without ble_scan EACCES, a second app
            claiming the beacon's service EBUSY, a flood of notify calls is bounded by
            the rate; the hostile app's 128-bit service is visible to a peer and gone
            once the app stops; the node keeps running
Every process started is killed by pid (tests/harness/akira_device.py).
"""
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "harness"))
import akira_device as ad  # noqa: E402

AKIRAOS, RADIO, EXAMPLES, TEST_APPS = sys.argv[1:5]
EACCES, EFAULT, EINVAL, EBUSY, ENOTCONN = -9, -17, -1, -5, -29


def node(m, n, x, apps=()):
    args = m.args(x, 0, node=n)
    for a in apps:
        args += ["--install", a]
    return ad.Device(AKIRAOS, http=False, args=args)


def start(d, app):
    d.command(f"app start {app}", "started")


services = ad.gatt_services


def conns(d, want, timeout=10.0):
    """Waits until `bt status` shows `want` connections."""
    end = time.time() + timeout
    while True:
        mark = len(d.con.buf)
        d.console("bt status")
        n = int(d.expect(rb"connections (\d+)/", 5, since=mark, regex=True))
        if n == want:
            return
        ad.check(time.time() < end, f"connections: {n}, wanted {want}")
        time.sleep(0.2)


def hold_weather(d):
    for sig, v in (("temp", "23.45"), ("hum", "56.78"), ("press", "99876")):
        d.command(f"sim signal {sig} const {v}", f"{sig}: const")


def scenario_beacon():
    with tempfile.TemporaryDirectory() as tmp:
        m = ad.Medium(RADIO, tmp, seed=11)
        n1 = node(m, 1, 0, [os.path.join(EXAMPLES, "ble-beacon.wasm")])
        n2 = node(m, 2, 2, [os.path.join(TEST_APPS, "ble-client.wasm")])
        hold_weather(n1)
        start(n1, "ble-beacon")
        b = ad.app_logs(n1, "ble-beacon", r"beacon: T=(-?\d+) H=(\d+) P=(\d+)").groups()
        t, h, p = map(int, b)
        own = ad.sensor_read(n1)
        # the beacon's values are the BME280's, in the characteristics' units
        ad.check(abs(own["ambient_temp"] * 100 - t) < 1.01 and abs(own["humidity"] * 100 - h)
                 < 1.01 and abs(own["press"] * 10000 - p) < 11, f"beacon {b}, sensor {own}")
        ad.check(abs(t - 2345) <= 1 and abs(h - 5678) <= 1 and abs(p - 998760) <= 10,
                 f"beacon {b}, held at 23.45 C, 56.78 %, 99876 Pa")

        # the client app: advertising data, then GATT (two ESS instances), notifications
        start(n2, "ble-client")
        ad.app_logs(n2, "ble-client", rf"scan: 00:01 T={t} H={h} P={p}\n", 20)
        ad.app_logs(n2, "ble-client", r"client: \d+ service\(s\), 2 ESS", 30)
        ess = ad.app_logs(n2, "ble-client", r"ess 2: 0x[0-9a-f]{4}-0x[0-9a-f]{4} T=(-?\d+) "
                          r"H=(\d+) P=(\d+)").groups()
        ad.check(tuple(map(int, ess)) == (t, h, p), f"the app's ESS over GATT: {ess}")
        ad.app_logs(n2, "ble-client", r"client: write -11\n")  # EIO: Write Not Permitted
        ad.app_logs(n2, "ble-client", r"client: subscribe \d+: 0")
        ad.app_logs(n2, "ble-client", rf"notify: handle \d+ T={t}\n", 15)
        ad.app_logs(n1, "ble-beacon", r"beacon: conn \d+ subscribed to 0 \(1\)")

        # the client app stops: the connection it opened closes
        conns(n2, 1)
        n2.command("app stop ble-client", "stopped")
        conns(n2, 0)

        # the shell's client: the app's service is the second 181a; read its pressure
        conn = ad.bt_connect(n2, 1)
        svcs = [s for s in services(n2, conn) if s[2] == "181a"]
        ad.check(len(svcs) == 2, f"node 1's ESS instances: {svcs}")
        n2.console(f"gatt chrs {conn} 0x{svcs[1][0]} 0x{svcs[1][1]}")
        out = n2.expect(rb"(0x[0-9a-f]{4} value 0x[0-9a-f]{4} props 0x12 2a6d)", 15, regex=True)
        vh = re.search(r"value (0x[0-9a-f]{4})", out).group(1)
        n2.console(f"gatt read {conn} {vh}")
        out = n2.expect(rb"(4 bytes:[ 0-9a-f]*)\n", 15, regex=True)
        got = int.from_bytes(bytes(int(x, 16) for x in out.split(":")[1].split()), "little")
        ad.check(got == p, f"pressure over GATT {got}, sensor {p}")

        # the beacon stops: its service goes (the device's own ESS stays)
        n1.command("app stop ble-beacon", "stopped")
        ad.app_logs(n1, "ble-beacon", r"ble: released 1 service\(s\), advertising")
        svcs = [s for s in services(n2, conn) if s[2] == "181a"]
        ad.check(len(svcs) == 1, f"ESS instances after the app stopped: {svcs}")
        for d in (n1, n2):
            d.poweroff()
        m.stop()


keys = ad.hid_keys


def scenario_macropad():
    with tempfile.TemporaryDirectory() as tmp:
        m = ad.Medium(RADIO, tmp, seed=5)
        n1 = node(m, 1, 0, [os.path.join(EXAMPLES, "macropad.wasm")])
        n2 = node(m, 2, 2)
        start(n1, "macropad")
        ad.app_logs(n1, "macropad", r"macropad: ready")
        ad.focus_is(n1, "macropad")
        conn = ad.bt_connect(n2, 1)
        n2.console(f"gatt pair {conn}")
        out = n2.expect(rb"(conn \d+: encrypted[, ][^\n]*|gatt pair[^\n]*)\n", 20, regex=True)
        ad.check("encrypted" in out, f"pairing: {out}")
        n2.command(f"hid connect {conn}", "keyboard ready", 20)
        keys(n2)  # nothing before the first press
        for b in ("a", "up"):
            n1.command(f"input press {b}", "input:")
            ad.app_logs(n1, "macropad", rf"button \d {'down'}")
            n1.command(f"input release {b}", "input:")
        ad.app_logs(n1, "macropad", r"button 0 up: key 0x1e")
        got = []
        for _ in range(50):
            got += keys(n2)
            if len(got) >= 4:
                break
            ad.settle(n2, 100)
        ad.check(got == [("3a", "down"), ("3a", "up"), ("1e", "down"), ("1e", "up")],
                 f"keys at the HID host: {got}")
        # the host sets Caps Lock: the output report reaches the app as an event
        n2.command("hid leds 2", "LEDs 0x02 sent")
        ad.app_logs(n1, "macropad", r"macropad: LEDs 0x02 from conn \d+")
        for d in (n1, n2):
            d.poweroff()
        m.stop()


def results(d, app, names):
    text = ad.app_logs(d, app, r"hostile: done").string
    mark = len(d.con.buf)
    d.console(f"app logs {app}")
    ad.sync(d)
    text = d.con.buf[mark:].decode(errors="replace")
    out = {}
    for n in names:
        mm = re.search(rf"\b{n}=(-?\d+)", text)
        ad.check(mm, f"{app}: no {n}= in its log")
        out[n] = int(mm.group(1))
    return out


def scenario_hostile():
    with tempfile.TemporaryDirectory() as tmp:
        m = ad.Medium(RADIO, tmp, seed=3)
        apps = [os.path.join(EXAMPLES, "ble-beacon.wasm")] + [
            os.path.join(TEST_APPS, f"ble-{a}.wasm") for a in ("hostile", "nocap", "thief")]
        n1 = node(m, 1, 0, apps)
        n2 = node(m, 2, 2)
        start(n1, "ble-nocap")
        r = results(n1, "ble-nocap", ["adv", "svc", "hid"])
        ad.check(r == {"adv": EACCES, "svc": EACCES, "hid": EACCES}, f"ble-nocap: {r}")
        n1.command("app stop ble-nocap", "stopped")  # the board runs 2 apps at most

        start(n1, "ble-beacon")
        ad.app_logs(n1, "ble-beacon", r"Environmental Sensing service 0")
        start(n1, "ble-thief")
        r = results(n1, "ble-thief", ["thief"])
        ad.check(r == {"thief": EBUSY}, f"ble-thief: {r}")
        n1.command("app stop ble-thief", "stopped")

        start(n1, "ble-hostile")
        r = results(n1, "ble-hostile", ["adv_fault", "adv_bad", "svc_fault", "svc_unlisted",
                                        "scan", "next_fault", "hid_fault", "read_noconn",
                                        "svc_own", "svc_twice"])
        want = {"adv_fault": EFAULT, "adv_bad": EINVAL, "svc_fault": EFAULT,
                "svc_unlisted": EACCES, "scan": EACCES, "next_fault": EFAULT,
                "hid_fault": EFAULT, "read_noconn": ENOTCONN, "svc_twice": EBUSY}
        svc_own = r.pop("svc_own")
        ad.check(r == want, f"ble-hostile: {r}, wanted {want}")
        ad.check(svc_own >= 0, f"ble-hostile's own service: {svc_own}")
        fl = ad.app_logs(n1, "ble-hostile", r"flood ok=(\d+) again=(\d+) ms=(\d+)").groups()
        ok, again, ms = map(int, fl)
        # at most the burst and one per 10 ms of the flood's duration
        ad.check(ok + again == 3000 and ok <= 16 + ms // 10 + 1,
                 f"notify flood: {ok} sent, {again} refused in {ms} ms")

        # a peer sees the 128-bit service, and not once the app stops
        uuid = "12345678-5678-5678-5678-9abcdef01234"
        conn = ad.bt_connect(n2, 1)
        ad.check(any(s[2] == uuid for s in services(n2, conn)), "the hostile app's service")
        n1.command("app stop ble-hostile", "stopped")
        ad.app_logs(n1, "ble-hostile", r"ble: released 1 service\(s\)")
        ad.check(not any(s[2] == uuid for s in services(n2, conn)),
                 "the stopped app's service is still there")
        ad.check(len([s for s in services(n2, conn) if s[2] == "181a"]) == 2,
                 "the beacon's service went with the other app")
        n1.command("app list", "ble-beacon")
        for d in (n1, n2):
            d.poweroff()
        m.stop()


if __name__ == "__main__":
    ad.main({"beacon": scenario_beacon, "macropad": scenario_macropad,
             "hostile": scenario_hostile}, sys.argv[5])
