#!/usr/bin/env python3
"""The fleet's RAM on the device and the time of an install through the broker.

usage: fleet_bench.py AKIRAOS FLEET_SIGN MOSQUITTO APPS_DIR [RESULTS_MD]

Boots one native_sim device on Debian's mosquitto (loopback, free port), installs the
200 KB test app (big.wasm) through the fleet (a signed install command and 4 KiB data
chunks at QoS 1, each acknowledged by the broker before the next is sent, as
`akira fleet deploy` does), runs the mqtt test app, then reads `fleet status`: the
MQTT client's struct (one connection: RX and TX buffers, inflight and subscription
tables), the agent's state (install writer, SHA-256 state, JSON buffer), the app API
module's static rings, and the MQTT thread's stack high-water mark. The reference
measured in the same run: the same package through POST /api/apps (HTTP on loopback).
Prints a table (and writes it into RESULTS_MD's fleet block when given).
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "harness"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "connectivity"))
import akira_device as ad  # noqa: E402

AKIRAOS, SIGN, MOSQUITTO, APPS = sys.argv[1:5]
RESULTS = sys.argv[5] if len(sys.argv) > 5 else None
SEED = "11" * 32


def sign(js):
    return subprocess.run([SIGN, "sign", SEED], input=js, capture_output=True, timeout=10,
                          check=True).stdout.strip()


def run():
    with ad.tempdir() as tmp:
        br = ad.Mosquitto(tmp, MOSQUITTO)
        d = ad.Device(AKIRAOS, flash=os.path.join(tmp, "d.img"),
                      args=["--serial-uart", "off", "--mqtt", br.addr,
                            "--install", os.path.join(APPS, "mqttapp.wasm")])
        dev_id = d.wait_for(r"fleet: device (\S+), broker", 10)
        pub = subprocess.run([SIGN, "pub", SEED], capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
        st, _ = d.call("PUT", "/api/fleet",
                       json.dumps({"key_name": "bench", "key": pub}).encode(), token=d.token)
        ad.check(st == 200, "trust")
        cli = ad.MqttClient(br.port, "bench")
        cli.subscribe(f"akira/{dev_id}/result", 1)
        pkg = open(os.path.join(APPS, "big.wasm"), "rb").read()
        parts = [pkg[i:i + 4096] for i in range(0, len(pkg), 4096)]
        cmd = json.dumps({"id": "b-1", "ts": int(time.time() * 1000), "op": "install",
                          "name": "big", "size": len(pkg), "chunks": len(parts),
                          "sha256": hashlib.sha256(pkg).hexdigest()},
                         separators=(",", ":")).encode()
        t0 = time.monotonic()
        topic = f"akira/{dev_id}/cmd"
        cli.publish(topic, cmd + b"\n" + sign(cmd), qos=1)
        for i, part in enumerate(parts):
            cli.publish(topic, b"AKD1\x03b-1" + i.to_bytes(4, "little") + part, qos=1)
        _, _, p, _ = cli.wait(f"akira/{dev_id}/result", timeout=60)
        t_mqtt = time.monotonic() - t0
        ad.check(json.loads(p)["ok"], f"install: {p!r}")
        st, _ = d.call("DELETE", "/api/apps/big", token=d.token)
        ad.check(st == 200, "delete")
        t0 = time.monotonic()
        st, _ = d.call("POST", "/api/apps", pkg, token=d.token)
        t_http = time.monotonic() - t0
        ad.check(st == 201, f"http install: {st}")
        d.command("app start mqttapp", "started")
        ad.app_logs(d, "mqttapp", r"mqtt subscribe rc=[1-9]")
        mark = len(d.con.buf)
        d.console("fleet status")
        line = d.expect(r"ram: client (\d+) bytes, agent (\d+) bytes, app api (\d+) bytes, "
                        r"stack used (\d+)", 5, since=mark, regex=True)
        m = re.search(r"ram: client (\d+) bytes, agent (\d+) bytes, app api (\d+) bytes, "
                      r"stack used (\d+)", d.output()[mark:])
        client, agent, api, stack = (int(x) for x in m.groups())
        d.finish()
        br.stop()
        kb = len(pkg) / 1000
        rows = [
            ("MQTT client, one connection (`struct akira_mqtt`: 4.5 KiB RX + 1.25 KiB TX "
             "buffers, 4 x 1 KiB inflight, 8 subscriptions)", f"{client} bytes"),
            ("fleet agent state (install writer, SHA-256 state, 1 KiB JSON buffer, app info)",
             f"{agent} bytes"),
            ("app API `mqtt` (4 subscriptions x 4 messages x 256 bytes)", f"{api} bytes"),
            ("MQTT thread stack high-water (after an install and an app's subscribe; "
             "24 KiB asked, the POSIX port gives 64 KiB)", f"{stack} bytes"),
            ("total static RAM of the fleet (client + agent + app API)",
             f"{client + agent + api} bytes"),
            (f"install of {kb:.0f} KB in {len(parts)} chunks through the broker",
             f"{t_mqtt:.2f} s ({kb / t_mqtt:.0f} KB/s)"),
            ("the same package through POST /api/apps (reference, same run)",
             f"{t_http:.2f} s ({kb / t_http:.0f} KB/s)"),
            ("ratio fleet / HTTP", f"{t_mqtt / t_http:.1f}"),
        ]
        out = "| what | figure |\n|---|---|\n" + "".join(f"| {a} | {b} |\n" for a, b in rows)
        print(out)
        if RESULTS:
            with tempfile.NamedTemporaryFile("w", delete=False) as f:
                f.write(out)
            subprocess.run([os.path.join(HERE, "..", "put_figures.sh"), RESULTS, "fleet", f.name])
            os.unlink(f.name)


if __name__ == "__main__":
    ad.main({"run": run}, "run")
