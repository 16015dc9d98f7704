#!/usr/bin/env python3
"""The fleet agent end to end (docs/fleet.md) against Debian's mosquitto on a free
loopback port, with native_sim devices booted through the harness.

usage: fleet_e2e.py AKIRAOS AKIRA FLEET_SIGN MOSQUITTO APPS_DIR SCENARIO

Scenarios:
  status     the retained status and apps appear; GET/PUT /api/fleet; telemetry; the
             log topic
  will       killed: the broker publishes the will (offline, retained); poweroff: the
             device says offline itself
  commands   a signed start runs; a bad signature, a replayed ts, a wrong `to`, an
             unknown op, a forbidden `set` are refused with results; ts survives a reboot
  install    a 200 KB package in 4 KiB chunks lands; a wrong sha256 commits nothing;
             a chunk out of order aborts; `ota` of a wrong sha256 or of bytes that are
             no image is refused
  reconnect  the broker is stopped and started again: the device reconnects and
             republishes, and takes commands again; a packet over the receive buffer
             closes the connection (logged) and the device reconnects
  offline    a QoS 1 command sent while the device is off reaches it when it returns
             (persistent session)
  keepalive  (a broker of a few lines) keep-alive 2 s: PINGREQ when quiet, the
             connection closed when the broker is silent for 1.5 x; after the
             reconnect the unacknowledged QoS 1 messages come again with DUP and
             their packet ids, the subscriptions too
  apps       an app with `mqtt` publishes and subscribes under its prefix within its
             mqtt_topics (else EACCES); one without the capability gets EACCES
  tls        the broker's TLS listener (a certificate made by openssl for the test): the
             device with akira/fleet/tls and the certificate's pin reports and takes a
             command; another pin, and TLS without any check, never connect
"""
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402

AKIRAOS, AKIRA, SIGN, MOSQUITTO, APPS = sys.argv[1:6]
IMAGE = sys.argv[7] if len(sys.argv) > 7 else None  # the build's signed firmware image
# The SDK example sdk/examples/mqtt-sensor (build/apps_hw/, beside build/tests/).
SENSOR_APP = os.path.join(APPS, "..", "..", "..", "apps_hw", "mqtt-sensor.wasm")
SEED = "11" * 32  # the fleet key of these tests
OTHER = "22" * 32  # a key the device does not trust


def pub_of(seed):
    return subprocess.run([SIGN, "pub", seed], capture_output=True, text=True,
                          timeout=10, check=True).stdout.strip()


def signed(obj, seed=SEED):
    """The command message: the JSON, a newline, its signature in hex."""
    js = json.dumps(obj, separators=(",", ":")).encode()
    sig = subprocess.run([SIGN, "sign", seed], input=js, capture_output=True,
                         timeout=10, check=True).stdout.strip()
    return js + b"\n" + sig


def data_msg(cmd_id, index, data):
    cid = cmd_id.encode()
    return b"AKD1" + bytes([len(cid)]) + cid + struct.pack("<I", index) + data


class Fleet:
    """A broker, one device on it, and a test client subscribed to everything."""

    def __init__(self, tmp, args=(), flash=None):
        self.tmp = tmp
        self.broker = ad.Mosquitto(tmp, MOSQUITTO)
        self.flash = flash or os.path.join(tmp, "dev.img")
        self.args = list(args)
        self.boot()
        self.cli = ad.MqttClient(self.broker.port, "test-observer")
        self.cli.subscribe("akira/#", 1)
        self.ts = int(time.time() * 1000)

    def boot(self):
        self.dev = ad.Device(AKIRAOS, flash=self.flash, http=True,
                             args=["--serial-uart", "off", "--mqtt", self.broker.addr] + self.args)
        self.id = self.dev.wait_for(r"fleet: device (akira-[0-9a-f]{8}|[a-z0-9-]+), broker", 10)
        return self.dev

    def trust(self):
        st, body = self.dev.call("PUT", "/api/fleet", json.dumps({"key_name": "test", "key": pub_of(SEED)}).encode(),
                                 token=self.dev.token)
        ad.check(st == 200 and "test" in body["keys"], f"PUT /api/fleet: {st} {body}")

    def online(self):
        """Trusts the test key and waits for the device's online status."""
        self.trust()  # keys only: the agent goes on, no restart
        self.cli.wait(self.topic("status"), lambda p, r: json.loads(p)["online"])

    def topic(self, leaf):
        return f"akira/{self.id}/{leaf}"

    def command(self, obj, seed=SEED, raw=None):
        """Sends a command; returns its result (a dict)."""
        mark = self.cli.count()
        self.cli.publish(self.topic("cmd"), raw if raw is not None else signed(obj, seed), qos=1)
        _, _, p, _ = self.cli.wait(self.topic("result"),
                                   lambda p, r: json.loads(p)["cmd"] == obj.get("id", ""),
                                   timeout=30, since=mark)
        return json.loads(p)

    def next_ts(self):
        self.ts += 1
        return self.ts

    def apps(self, pred, timeout=15, since=0):
        _, _, p, _ = self.cli.wait(self.topic("apps"), lambda p, r: pred(json.loads(p)),
                                   timeout=timeout, since=since)
        return json.loads(p)


def refused(res, error, detail_part):
    ad.check(res["ok"] is False and res["error"] == error and detail_part in res["detail"],
             f"expected {error} ({detail_part}): {res}")


def status_scenario():
    with ad.tempdir() as tmp:
        f = Fleet(tmp)
        _, _, p, _ = f.cli.wait(f.topic("status"), lambda p, r: json.loads(p)["online"])
        s = json.loads(p)
        ad.check(s["id"] == f.id and s["board"] == "native_sim" and s["tags"] == [],
                 f"status: {s}")
        f.apps(lambda a: a == [])
        # A later subscriber gets the retained status at once.
        late = ad.MqttClient(f.broker.port, "late")
        late.subscribe(f"akira/+/status", 1)
        _, _, p, retained = late.wait(f.topic("status"))
        ad.check(retained and json.loads(p)["online"], "status is retained")
        late.close()
        # GET /api/fleet needs the token; PUT with tags restarts the agent, which
        # republishes the status with them.
        st, _ = f.dev.call("GET", "/api/fleet")
        ad.check(st == 401, f"GET /api/fleet without the token: {st}")
        st, body = f.dev.call("GET", "/api/fleet", token=f.dev.token)
        ad.check(st == 200 and body["id"] == f.id and body["connected"], f"GET: {body}")
        st, body = f.dev.call("PUT", "/api/fleet", json.dumps({"tags": "BAD TAG"}).encode(), token=f.dev.token)
        ad.check(st == 400, f"a bad tag: {st} {body}")
        f.dev.command("settings set akira/fleet/telemetry_s 1", "")  # read at the restart
        mark = f.cli.count()
        st, body = f.dev.call("PUT", "/api/fleet", json.dumps({"tags": "lab,floor2"}).encode(), token=f.dev.token)
        ad.check(st == 200 and body["tags"] == "lab,floor2", f"PUT tags: {st} {body}")
        f.cli.wait(f.topic("status"), lambda p, r: json.loads(p).get("tags") == ["lab", "floor2"],
                   since=mark)
        _, _, p, _ = f.cli.wait(f.topic("telemetry"), since=mark, timeout=10)
        t = json.loads(p)
        ad.check(t["mqtt_connects"] == 1 and t["uptime_ms"] > 0 and "mqtt_tx" in t,
                 f"telemetry: {t}")
        # The shell's view.
        f.dev.command("fleet status", "tags lab,floor2")
        # Log lines: a command's outcome is logged, and the log goes to the log topic.
        f.trust()
        mark = f.cli.count()
        res = f.command({"id": "st-1", "ts": f.next_ts(), "op": "status"})
        ad.check(res["ok"], f"status op: {res}")
        f.cli.wait(f.topic("log"), lambda p, r: b"command st-1: ok" in p, since=mark)
        f.dev.finish()


def will_scenario():
    with ad.tempdir() as tmp:
        f = Fleet(tmp)
        f.cli.wait(f.topic("status"), lambda p, r: json.loads(p)["online"])
        mark = f.cli.count()
        f.dev.kill()  # no goodbye: the broker publishes the will
        _, _, p, _ = f.cli.wait(f.topic("status"), lambda p, r: not json.loads(p)["online"],
                                timeout=20, since=mark)
        ad.check(json.loads(p) == {"id": f.id, "online": False, "tags": []}, f"the will: {p!r}")
        late = ad.MqttClient(f.broker.port, "late")
        late.subscribe(f.topic("status"), 1)
        _, _, p, r = late.wait(f.topic("status"))
        ad.check(r and not json.loads(p)["online"], "the will is retained")
        late.close()
        # Back, then a clean poweroff: offline again, said by the device itself.
        mark = f.cli.count()
        f.boot()
        f.cli.wait(f.topic("status"), lambda p, r: json.loads(p)["online"], since=mark)
        mark = f.cli.count()
        f.dev.finish()
        f.cli.wait(f.topic("status"), lambda p, r: not json.loads(p)["online"], since=mark)


def commands_scenario():
    with ad.tempdir() as tmp:
        ticker = os.path.join(APPS, "ticker.wasm")
        f = Fleet(tmp, args=["--install", ticker])
        f.apps(lambda a: [x["name"] for x in a] == ["ticker"])
        # No trusted key yet: refused.
        res = f.command({"id": "c-0", "ts": f.next_ts(), "op": "start", "app": "ticker"})
        refused(res, "EACCES", "no trusted fleet key")
        f.trust()
        good = {"id": "c-1", "ts": f.next_ts(), "op": "start", "app": "ticker"}
        msg = signed(good)
        res = f.command(good, raw=msg)
        ad.check(res == {"cmd": "c-1", "ok": True, "app": "ticker"}, f"start: {res}")
        f.apps(lambda a: a[0]["state"] == "running")
        # The same bytes again: a replay.
        refused(f.command(good, raw=msg), "EACCES", "replay")
        # Signed by a key the device does not trust.
        stop = {"id": "c-2", "ts": f.next_ts(), "op": "stop", "app": "ticker"}
        refused(f.command(stop, seed=OTHER), "EACCES", "bad signature")
        # A JSON changed after signing (ts moved on, the old signature kept).
        forged = signed(stop).split(b"\n")[1]
        stop2 = dict(stop, ts=f.next_ts())
        refused(f.command(stop2, raw=json.dumps(stop2, separators=(",", ":")).encode() + b"\n" +
                          forged), "EACCES", "bad signature")
        # For another device.
        refused(f.command({"id": "c-3", "ts": f.next_ts(), "op": "stop", "app": "ticker",
                           "to": "akira-00000000"}), "EACCES", "another device")
        # No signature at all, an unknown op, a protected setting.
        refused(f.command({"id": "c-4"}, raw=b'{"id":"c-4","ts":1,"op":"stop","app":"ticker"}'),
                "EACCES", "no signature")
        refused(f.command({"id": "c-5", "ts": f.next_ts(), "op": "reboot"}), "ENOTSUP",
                "unknown op")
        refused(f.command({"id": "c-6", "ts": f.next_ts(), "op": "set",
                           "key": "akira/security/x", "value": "1"}), "EACCES", "cannot be set")
        refused(f.command({"id": "c-6b", "ts": f.next_ts(), "op": "set",
                           "key": "akira/fleet/last_ts", "value": "0"}), "EACCES", "cannot be set")
        # Nothing refused changed the app: it still runs.
        st, body = f.dev.call("GET", "/api/apps/ticker")
        ad.check(st == 200 and body["state"] == "running", f"ticker after refusals: {body}")
        # A good stop, addressed to this device.
        last = {"id": "c-7", "ts": f.next_ts(), "op": "stop", "app": "ticker", "to": f.id}
        last_msg = signed(last)
        ad.check(f.command(last, raw=last_msg)["ok"], "stop")
        f.apps(lambda a: a[0]["state"] == "stopped")
        # ts is kept across a reboot: the last command is still a replay.
        f.dev.finish()
        f.boot()
        refused(f.command(last, raw=last_msg), "EACCES", "replay")
        res = f.command({"id": "c-8", "ts": f.next_ts(), "op": "set", "key": "app/ticker/x",
                         "value": "1"})
        ad.check(res["ok"], f"set: {res}")
        f.dev.finish()


def install_scenario():
    with ad.tempdir() as tmp:
        f = Fleet(tmp)
        f.trust()
        pkg = open(os.path.join(APPS, "big.wasm"), "rb").read()
        chunks = [pkg[i:i + 4096] for i in range(0, len(pkg), 4096)]

        def install(cid, data, sha=None, order=None, name="big", op="install"):
            cmd = {"id": cid, "ts": f.next_ts(), "op": op, "name": name,
                   "size": len(data), "chunks": (len(data) + 4095) // 4096,
                   "sha256": sha or hashlib.sha256(data).hexdigest()}
            mark = f.cli.count()
            f.cli.publish(f.topic("cmd"), signed(cmd), qos=1)
            parts = [data[i:i + 4096] for i in range(0, len(data), 4096)]
            for i in (order or range(len(parts))):
                f.cli.publish(f.topic("cmd"), data_msg(cid, i, parts[i]), qos=1)
            _, _, p, _ = f.cli.wait(f.topic("result"), lambda p, r: json.loads(p)["cmd"] == cid,
                                    timeout=60, since=mark)
            return json.loads(p)

        # A wrong sha256: every chunk goes in, nothing is committed.
        res = install("i-1", pkg, sha="00" * 32)
        refused(res, "EIO", "sha256")
        st, body = f.dev.call("GET", "/api/apps")
        ad.check(st == 200 and body["apps"] == [], f"nothing installed: {body}")
        # A chunk out of order aborts.
        res = install("i-2", pkg, order=[0, 2, 1] + list(range(3, len(chunks))))
        refused(res, "EIO", "out of order")
        # The right one lands, in 4 KiB chunks.
        t0 = time.monotonic()
        res = install("i-3", pkg)
        secs = time.monotonic() - t0
        ad.check(res["ok"] and res["app"] == "big", f"install: {res}")
        print(f"install of {len(pkg)} bytes in {len(chunks)} chunks: {secs:.2f} s")
        name = res["app"]
        f.apps(lambda a: [x["name"] for x in a] == [name])
        st, body = f.dev.call("GET", f"/api/apps/{name}")
        ad.check(st == 200 and body["state"] == "installed", f"installed: {body}")
        # OTA through the OTA manager: bytes that are no image, and the build's signed
        # image under a wrong sha256, are refused and nothing becomes pending; with
        # its sha256 it becomes pending and the device reboots and comes back.
        res = install("o-1", pkg[:8192], op="ota")
        ad.check(not res["ok"] and res["error"] == "ENOEXEC", f"not an image: {res}")
        if not IMAGE:
            print("no firmware image given (a sanitized build): ota refusals only")
            f.dev.finish()
            return
        img = open(IMAGE, "rb").read()
        refused(install("o-2", img, sha="00" * 32, op="ota"), "EIO", "sha256")
        st, body = f.dev.call("GET", "/api/ota")
        ad.check(st == 200 and not body["secondary"].get("pending"), f"nothing pending: {body}")
        mark = f.cli.count()
        res = install("o-3", img, op="ota")
        ad.check(res["ok"], f"ota: {res}")
        f.dev.expect("firmware pending", 10)
        f.cli.wait(f.topic("status"), lambda p, r: json.loads(p)["online"] and
                   json.loads(p)["uptime_ms"] < 5000, timeout=30, since=mark + 1)
        f.dev.finish()


def reconnect_scenario():
    with ad.tempdir() as tmp:
        f = Fleet(tmp, args=["--install", os.path.join(APPS, "ticker.wasm")])
        f.online()
        f.cli.close()
        f.broker.stop()
        f.dev.expect("connection to", 15)  # "connection to ... lost"
        time.sleep(1.5)  # a failed attempt or two: the back-off runs
        f.broker.start()
        f.cli = ad.MqttClient(f.broker.port, "test-observer-2")
        f.cli.subscribe("akira/#", 1)
        # Within the back-off (at most 2 s doubling a few times), a fresh status.
        f.cli.wait(f.topic("status"),
                   lambda p, r: not r and json.loads(p)["online"], timeout=30)
        res = f.command({"id": "r-1", "ts": f.next_ts(), "op": "start", "app": "ticker"})
        ad.check(res["ok"], f"a command after the reconnect: {res}")
        f.dev.command("fleet status", "connects 2")
        # A packet larger than the device's receive buffer (QoS 0, so that the broker
        # does not send it again): the device closes, says why, and reconnects.
        f.cli.publish(f.topic("cmd"), b"x" * 6000, qos=0)
        f.dev.expect("too large a packet from the broker: closing", 10)
        f.dev.expect("connected to", 30)
        res = f.command({"id": "r-2", "ts": f.next_ts(), "op": "stop", "app": "ticker"})
        ad.check(res["ok"], f"a command after the oversized packet: {res}")
        f.dev.finish()


def offline_scenario():
    with ad.tempdir() as tmp:
        f = Fleet(tmp, args=["--install", os.path.join(APPS, "ticker.wasm")])
        f.online()
        f.dev.finish()
        # Queued by the broker for the device's persistent session.
        cmd = {"id": "o-1", "ts": f.next_ts(), "op": "start", "app": "ticker"}
        mark = f.cli.count()
        f.cli.publish(f.topic("cmd"), signed(cmd), qos=1)
        f.boot()
        _, _, p, _ = f.cli.wait(f.topic("result"), lambda p, r: json.loads(p)["cmd"] == "o-1",
                                timeout=30, since=mark)
        ad.check(json.loads(p)["ok"], f"the queued command: {p!r}")
        f.apps(lambda a: a[0]["state"] == "running", since=mark)
        f.dev.finish()


class FakeBroker:
    """A broker of a few lines on a free port, to see what mosquitto hides: it answers
    CONNECT and SUBSCRIBE and, as told, acknowledges PUBLISH and PINGREQ or not."""

    def __init__(self):
        self.srv = socket.socket()
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(2)
        self.srv.settimeout(20)
        self.port = self.srv.getsockname()[1]

    def accept(self, session_present=False):
        self.c, _ = self.srv.accept()
        self.c.settimeout(10)
        first, body = self.read()
        ad.check(first >> 4 == 1, f"first packet {first:#x}")
        self.connect = body
        self.c.sendall(bytes([0x20, 2, 1 if session_present else 0, 0]))

    def read(self):
        """(first byte, body), or (None, None) when the device closed."""
        try:
            h = self.c.recv(1)
            if not h:
                return None, None
            n, mult = 0, 1
            while True:
                b = self.c.recv(1)[0]
                n += (b & 0x7F) * mult
                mult *= 128
                if not b & 0x80:
                    break
            body = b""
            while len(body) < n:
                part = self.c.recv(n - len(body))
                if not part:
                    return None, None
                body += part
            return h[0], body
        except (ConnectionResetError, socket.timeout):
            return None, None

    def serve(self, seconds, puback=True, pingresp=True):
        """Answers for up to `seconds` or until the device closes; returns the packets
        seen as (first byte, body) and whether the device closed."""
        seen, end = [], time.monotonic() + seconds
        while time.monotonic() < end:
            self.c.settimeout(max(0.1, end - time.monotonic()))
            first, body = self.read()
            if first is None:
                return seen, time.monotonic() < end
            seen.append((first, body))
            t = first >> 4
            if t == 8:  # SUBSCRIBE: grant QoS 1
                self.c.sendall(bytes([0x90, 3]) + body[:2] + b"\x01")
            elif t == 3 and (first >> 1) & 3 and puback:
                tl = struct.unpack(">H", body[:2])[0]
                self.c.sendall(bytes([0x40, 2]) + body[2 + tl:4 + tl])
            elif t == 12 and pingresp:
                self.c.sendall(bytes([0xD0, 0]))
        return seen, False


def publish_ids(seen, topic_end):
    """(packet id, dup) of the QoS 1 PUBLISHes whose topic ends with topic_end."""
    out = []
    for first, body in seen:
        if first >> 4 == 3 and (first >> 1) & 3:
            tl = struct.unpack(">H", body[:2])[0]
            if body[2:2 + tl].decode().endswith(topic_end):
                out.append((body[2 + tl:4 + tl], bool(first & 8)))
    return out


def keepalive_scenario():
    with ad.tempdir() as tmp:
        fb = FakeBroker()
        dev = ad.Device(AKIRAOS, flash=os.path.join(tmp, "dev.img"), http=True,
                        args=["--serial-uart", "off"])
        dev.command("settings set akira/fleet/keepalive_s 2", "")
        dev.command("settings set akira/fleet/user fleet-user", "")
        dev.command("settings set akira/security/fleet/password s3cret", "")
        dev.command(f"fleet broker 127.0.0.1:{fb.port}", "fleet broker")
        fb.accept()
        c = fb.connect
        ad.check(c[6] == 4 and c[7] & 0x02 == 0 and c[7] & 0x04 and c[7] & 0x20,
                 f"CONNECT: 3.1.1, persistent session, retained will: {c[:10]!r}")
        ad.check(struct.unpack(">H", c[8:10])[0] == 2, "keep-alive 2 s")
        ad.check(c[7] & 0xC0 == 0xC0 and c.endswith(b"\x00\x0afleet-user\x00\x06s3cret"),
                 f"user and password: {c!r}")
        # No PUBACK, no PINGRESP: the device pings after 2 s quiet, gives up after 3 s.
        seen, closed = fb.serve(8, puback=False, pingresp=False)
        ad.check(closed, "the device did not close a silent broker's connection")
        ad.check(any(f >> 4 == 12 for f, _ in seen), "no PINGREQ")
        unacked = publish_ids(seen, "/status")
        ad.check(unacked and not unacked[0][1], f"status published once: {unacked}")
        dev.expect("taken for dead", 5)
        # Back (after the back-off): the unacknowledged messages again, with DUP.
        fb.accept(session_present=True)
        seen, closed = fb.serve(5)
        ad.check(not closed, "a broker that answers keeps the connection")
        again = publish_ids(seen, "/status")
        ad.check((unacked[0][0], True) in again,
                 f"status resent with its packet id and DUP: {unacked} then {again}")
        ad.check(sum(1 for f, _ in seen if f >> 4 == 12) >= 2, "pings go on")
        ad.check(any(f >> 4 == 8 for f, _ in seen), "subscriptions made again")
        fb.c.close()
        dev.finish()


def apps_scenario():
    with ad.tempdir() as tmp:
        f = Fleet(tmp, args=["--install", os.path.join(APPS, "mqttapp.wasm"),
                             "--install", os.path.join(APPS, "nomqtt.wasm"),
                             "--install", SENSOR_APP])
        f.cli.wait(f.topic("status"), lambda p, r: json.loads(p)["online"])
        pre = f.topic("app/mqttapp/")
        f.dev.command("app start mqttapp", "started")
        _, _, p, _ = f.cli.wait(pre + "hello")
        ad.check(p == b"up", f"the app's message: {p!r}")
        ad.app_logs(f.dev, "mqttapp", r"mqtt subscribe rc=[1-9]")
        # Outside its manifest's mqtt_topics: EACCES (-9).
        ad.app_logs(f.dev, "mqttapp", r"outside mqtt_topics rc=-9")
        # A message to the app comes back on its echo topic.
        mark = f.cli.count()
        f.cli.publish(pre + "cmd", b"ping-1", qos=1)
        _, _, p, _ = f.cli.wait(pre + "echo", since=mark)
        ad.check(p == b"ping-1", f"echo: {p!r}")
        # Stopped: its subscription is released, a new start subscribes again.
        f.dev.command("app stop mqttapp", "stopped")
        f.dev.command("app start mqttapp", "started")
        mark = f.cli.count()
        f.cli.publish(pre + "cmd", b"ping-2", qos=1)
        _, _, p, _ = f.cli.wait(pre + "echo", since=mark)
        ad.check(p == b"ping-2", f"echo after a restart: {p!r}")
        f.dev.command("app stop mqttapp", "stopped")
        # The SDK example: BME280 samples, and the period set over MQTT.
        f.dev.command("app start mqtt-sensor", "started")
        _, _, p, r = f.cli.wait(f.topic("app/mqtt-sensor/bme280"), timeout=15)
        s = json.loads(p)
        ad.check(-40000 < s["temp_mc"] < 85000 and 30000 < s["press_pa"] < 110000 and
                 0 <= s["hum_pm"] <= 1000, f"a BME280 sample: {s}")
        f.cli.publish(f.topic("app/mqtt-sensor/period"), b"1", qos=1)
        ad.app_logs(f.dev, "mqtt-sensor", r"every 1 s")
        f.dev.command("app stop mqtt-sensor", "stopped")
        # The same code without the capability: EACCES, nothing published.
        mark = f.cli.count()
        f.dev.command("app start nomqtt", "started")
        ad.app_logs(f.dev, "nomqtt", r"mqtt publish rc=-9")
        ad.app_logs(f.dev, "nomqtt", r"mqtt subscribe rc=-9")
        time.sleep(0.5)
        ad.check(not any(t.startswith(f.topic("app/nomqtt")) for t, _, _ in f.cli.msgs[mark:]),
                 "an app without mqtt published")
        f.dev.finish()


def make_cert(tmp, name):
    """A self-signed ECDSA P-256 certificate and key (PEM files) and the SHA-256 of the
    certificate's DER (the pin, hex)."""
    import ssl
    cert, key = os.path.join(tmp, name + ".crt"), os.path.join(tmp, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                    "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=30)
    der = ssl.PEM_cert_to_DER_cert(open(cert).read())
    return cert, key, hashlib.sha256(der).hexdigest()


def tls_scenario():
    with ad.tempdir() as tmp:
        cert, key, pin = make_cert(tmp, "broker")
        _, _, other_pin = make_cert(tmp, "other")
        broker = ad.Mosquitto(tmp, MOSQUITTO, tls=(cert, key))
        cli = ad.MqttClient(broker.port, "test-observer")  # on the plain listener
        cli.subscribe("akira/#", 1)
        tls_addr = f"127.0.0.1:{broker.tls_port}"
        dev = ad.Device(AKIRAOS, flash=os.path.join(tmp, "dev.img"), http=True,
                        args=["--serial-uart", "off"])
        dev.command("settings set akira/fleet/id tls-dev", "")
        dev.command("settings set akira/fleet/tls 1", "")
        # TLS with neither a CA nor a pin: refused, the agent stays off.
        dev.command(f"fleet broker {tls_addr}", "")
        dev.expect("TLS to the broker needs", 10)
        # A pin that is not the broker's: the handshake fails, the device never
        # connects (it retries with its back-off).
        dev.command(f"settings set akira/fleet/tls_pin {other_pin}", "")
        dev.command("fleet broker off", "")
        dev.command(f"fleet broker {tls_addr}", "")
        dev.expect("not the pinned fingerprint", 15)  # the TLS layer logs it
        time.sleep(3)
        with cli.cond:
            seen = [t for t, _, _ in cli.msgs if t.startswith("akira/tls-dev/")]
        ad.check(not seen, f"the device published through a broker it refused: {seen}")
        # The broker's own pin: connected over TLS, the status arrives, a command runs.
        dev.command(f"settings set akira/fleet/tls_pin {pin}", "")
        dev.command("fleet broker off", "")
        dev.command(f"fleet broker {tls_addr}", "")
        dev.expect("connected to", 20)
        cli.wait("akira/tls-dev/status", lambda p, r: json.loads(p)["online"], timeout=20)
        st, body = dev.call("PUT", "/api/fleet",
                            json.dumps({"key_name": "test", "key": pub_of(SEED)}).encode(),
                            token=dev.token)
        ad.check(st == 200, f"PUT /api/fleet: {st} {body}")
        mark = cli.count()
        cli.publish("akira/tls-dev/cmd",
                    signed({"id": "t-1", "ts": int(time.time() * 1000), "op": "status"}), qos=1)
        _, _, p, _ = cli.wait("akira/tls-dev/result", lambda p, r: json.loads(p)["cmd"] == "t-1",
                              timeout=20, since=mark)
        ad.check(json.loads(p)["ok"], f"status over TLS: {p}")
        dev.finish()


SCENARIOS = {
    "status": status_scenario,
    "will": will_scenario,
    "commands": commands_scenario,
    "install": install_scenario,
    "reconnect": reconnect_scenario,
    "offline": offline_scenario,
    "apps": apps_scenario,
    "keepalive": keepalive_scenario,
    "tls": tls_scenario,
}

if __name__ == "__main__":
    ad.main(SCENARIOS, sys.argv[6])
