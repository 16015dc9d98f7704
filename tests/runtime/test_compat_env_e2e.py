#!/usr/bin/env python3
"""Upstream's env mqtt_*, ha_light_* and crypto_* from apps built with upstream's flags
(tests/runtime/compat_apps/env*.c; docs/compat.md "MQTT and Home Assistant", "Crypto").

usage: test_compat_env_e2e.py SCENARIO AKIRAOS COMPAT_APP_DIR MOSQUITTO

  mqtt    envmqtt against a mosquitto started here on a free loopback port (the device
          pointed at it with --mqtt): publish (QoS, retain, sizes) and subscribe (+, #)
          under the app's own prefix, messages of other topics and of another app's
          prefix not delivered, mqtt_poll's truncation and timeout, bad arguments; a
          Home Assistant light: its discovery config, its retained state, commands
          parsed (on, brightness, rgb, off); a poll that waits for ever survives the
          watchdog and returns at once when the app is stopped
  crypto  envcrypto: SHA-256 (FIPS 180-2), HMAC (RFC 4231), AES-256-CBC and CTR (NIST
          SP 800-38A), Ed25519 (RFC 8032 test 2, and a fresh key's signature checked
          with openssl), P-256 (a fresh key's ECDSA signature checked with openssl),
          lengths and buffers upstream refuses; a range out of memory traps the app
  nocap   envnocap, without the capabilities: every call -EPERM (-1)
  trap    envtrap: each function with the pointer upstream's engine checks out of
          memory ends the app with a trap
"""
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402

AKIRAOS, APPS, MOSQUITTO = sys.argv[2:5]


def app(name):
    return os.path.join(APPS, name + ".wasm")


def results(d, name):
    ad.sync(d)
    text = d.con.buf.decode(errors="replace")
    return text, dict((k, int(v)) for k, v in
                      re.findall(r"<inf> %s: (\w+): (-?\d+)" % name, text))


def outputs(text, name):
    """`name = hex` lines, with their `name_pN = hex` continuations joined."""
    out = {}
    for k, v in re.findall(r"<inf> %s: (\w+) = ([0-9a-f]*)" % name, text):
        m = re.fullmatch(r"(\w+)_p\d+", k)
        if m and m.group(1) in out:
            out[m.group(1)] += v
        else:
            out[k] = v
    return out


def compare(got, want):
    wrong = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
    check(not wrong, f"results (got, wanted): {wrong}")


def retained(broker, topic):
    """What the broker keeps on topic (a new subscriber's retained message)."""
    c = ad.MqttClient(broker.port, "late-reader")
    try:
        c.subscribe(topic, 1)
        _, _, p, r = c.wait(re.escape(topic), lambda p, r: r, timeout=5)
        return p
    finally:
        c.close()


MQTT = {
    "connected": 1, "subscribe": 0, "subscribe_dup": 0, "subscribe_all": 0,
    "subscribe_null": -22, "subscribe_bad_hash": -22, "subscribe_bad_plus": -22,
    "subscribe_star": -22, "subscribe_empty": -22, "subscribe_long": -22, "publish_79": 0,
    "publish": 0, "publish_retained": 0, "publish_empty": 0, "publish_null": -22,
    "publish_wild": -22, "publish_neg_len": -22, "publish_big": -122, "publish_512": 0,
    "poll_timeout": -11, "poll_nowait": -11, "poll_zero_cap": -22, "poll_zero_pcap": -22,
    "poll_null": -22, "poll": 6, "poll_long": 160, "poll_cut": 4,
    "ha_register": 0, "ha_register_bad_id": -22, "ha_register_long_id": -22,
    "ha_register_null": -22, "ha_register_null_name": -22, "ha_register_empty_name": -22,
    "ha_report": 0, "ha_report_bad_id": -22, "ha_poll_timeout": 0, "ha_poll_null": -22,
    "ha_poll_bad_id": -22, "ha_poll": 7, "ha_on": 1, "ha_bri": 200, "ha_rgb": 0x010203,
    "ha_report_new": 0, "ha_poll_off": 1, "ha_off": 0, "ha_off_bri_untouched": -1,
    "ha_report_off": 0, "subscribe_third": 0, "subscribe_full": -28, "poll_command": 14, "poll_after_3s": 5, "poll_forever": -11,
}


def t_mqtt():
    with ad.tempdir() as tmp:
        broker = ad.Mosquitto(tmp, MOSQUITTO)
        d = ad.Device(AKIRAOS, flash=os.path.join(tmp, "flash.img"), http=False,
                      args=["--serial-uart", "off", "--mqtt", broker.addr,
                            "--install", app("envmqtt")])
        dev = d.wait_for(r"fleet: device ([a-z0-9-]+), broker", 10)
        cli = ad.MqttClient(broker.port, "observer")
        cli.subscribe("#", 1)
        pre = f"akira/{dev}/app/envmqtt/"
        d.command("app start envmqtt", "envmqtt: started")
        ad.app_logs(d, "envmqtt", r"waiting for in/abc", 15)
        _, _, p, _ = cli.wait(re.escape(pre + "out/hello"))
        check(p == b"hi", f"out/hello: {p!r}")
        cli.wait(re.escape(pre + "out/kept"), lambda p, r: p == b"stay")
        check(retained(broker, pre + "out/kept") == b"stay", "out/kept retained")
        cli.wait(re.escape(pre + "out/empty"), lambda p, r: p == b"")
        cli.wait(re.escape(pre + "out/big"), lambda p, r: len(p) == 512)
        cli.wait(re.escape(pre + "x" * 79))
        check(not any(t.startswith(pre + "out/x") for t, _, _ in cli.msgs),
              "refused publishes sent nothing")
        # Only the app's own subscribed topics reach it: not another topic of its
        # prefix, not the same topic under another app's prefix.
        cli.publish(pre + "other/abc", b"no-1")
        cli.publish(f"akira/{dev}/app/spy/in/abc", b"no-2")
        cli.publish(pre + "in/abc", b"ping-1")
        ad.app_logs(d, "envmqtt", r"got in/abc = ping-1")
        cli.publish(pre + "in/long", b"L" * 200)
        cli.publish(pre + "deep/x/y/z", b"abcdefgh")
        ad.app_logs(d, "envmqtt", r"cut deep/ = abcd")
        # The light: discovery config (retained) and state.
        ad.app_logs(d, "envmqtt", r"waiting for a command")
        cfg_topic = f"homeassistant/light/{dev}_envmqtt/lamp/config"
        cli.wait(re.escape(cfg_topic))
        cfg = json.loads(retained(broker, cfg_topic))
        check(cfg["schema"] == "json" and cfg["name"] == 'Desk "Lamp"' and
              cfg["command_topic"] == pre + "light/lamp/set" and
              cfg["state_topic"] == pre + "light/lamp/state" and cfg["brightness"] is True and
              cfg["supported_color_modes"] == ["rgb"] and
              cfg["unique_id"] == f"{dev}_envmqtt_lamp" and
              cfg["device"]["identifiers"] == [f"akira_{dev}"], f"discovery config: {cfg}")
        cli.wait(re.escape(pre + "light/lamp/state"))
        p = retained(broker, pre + "light/lamp/state")
        check(json.loads(p) == {"state": "ON", "brightness": 128, "color_mode": "rgb",
                                      "color": {"r": 255, "g": 0, "b": 10}}, f"state: {p!r}")
        mark = cli.count()
        cli.publish(cfg["command_topic"], json.dumps(
            {"state": "ON", "brightness": 200, "color": {"r": 1, "g": 2, "b": 3},
             "transition": 2.5, "effect": "none"}))
        _, _, p, r = cli.wait(re.escape(pre + "light/lamp/state"), since=mark)
        check(json.loads(p) == {"state": "ON", "brightness": 200, "color_mode": "rgb",
                                "color": {"r": 1, "g": 2, "b": 3}}, f"state after: {p!r}")
        ad.app_logs(d, "envmqtt", r"waiting for off")
        mark = cli.count()
        cli.publish(cfg["command_topic"], b'{"state":"OFF"}')
        cli.wait(re.escape(pre + "light/lamp/state"), since=mark)
        p = retained(broker, pre + "light/lamp/state")
        check(json.loads(p) == {"state": "OFF"}, f"off, retained: {p!r}")
        ad.app_logs(d, "envmqtt", r"waiting for a queued command")
        cli.publish(cfg["command_topic"], b'{"state":"ON"}')
        ad.app_logs(d, "envmqtt", r"command topic light/lamp/set")
        # A poll without end: longer than the watchdog's 2 s (a waiting call), ended by a
        # message; then another, which a stop ends at once.
        ad.app_logs(d, "envmqtt", r"waiting long")
        time.sleep(3)
        cli.publish(pre + "in/late", b"late!")
        ad.app_logs(d, "envmqtt", r"waiting forever")
        ad.state_is(d, "envmqtt", "running")
        t0 = time.monotonic()
        d.command("app stop envmqtt", "stopped")
        check(time.monotonic() - t0 < 2, "the stop ended the poll at once")
        ad.state_is(d, "envmqtt", "stopped")
        text, got = results(d, "envmqtt")
        compare(got, MQTT)
        # Its subscriptions went with it: a message now reaches nobody, and the app
        # starts again on a fresh queue.
        cli.publish(pre + "in/abc", b"after")
        d.finish()
        cli.close()
        broker.stop()


# FIPS 180-2, RFC 4231, NIST SP 800-38A, RFC 8032
SHA_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
SHA_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
SHA_56 = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
HMAC1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
HMAC2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
CBC_CT = ("f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
          "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b")
CTR_CT = ("601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
          "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6")
ED_SIG_72 = ("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
             "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")
KEY = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"

CRYPTO = {
    "sha256": 0, "sha256_empty": 0, "sha256_56": 0, "sha256_null": -14,
    "sha256_out_null": -14, "sha256_out_end": -14, "hmac1": 0, "hmac2": 0,
    "hmac_key_64": 0, "hmac_key_65": -22, "hmac_key_0": -22, "hmac_out_end": -14,
    "cbc_enc": 0, "cbc_dec": 0, "cbc_roundtrip": 1, "cbc_len_15": -22, "cbc_len_0": -22,
    "cbc_dec_len_17": -22, "cbc_key_null": -14, "cbc_iv_end": -14, "cbc_out_end": -14,
    "ctr": 0, "ctr_back": 0, "ctr_roundtrip": 1, "ctr_odd": 0, "ctr_len_0": -22,
    "ctr_nonce_end": -14, "random": 0, "random2": 0, "random_differs": 1, "random_0": -22,
    "random_null": -14, "ed_sign_vector": 0, "ed_keygen": 0, "ed_sign": 0,
    "ed_sign_len_0": -22, "ed_sign_sig_end": -14, "ed_keygen_null": -14,
    "ed_keygen_pub_end": -14, "p256_keygen": 0, "p256_sign": 0, "p256_sign_len_0": -22,
    "p256_sign_zero_key": -22, "p256_sign_big_key": -22, "p256_keygen_pub_end": -14,
    "p256_sign_null": -14,
}


def openssl(tmp, *args, data=None):
    r = subprocess.run(["openssl"] + list(args), input=data, capture_output=True, timeout=30,
                       cwd=tmp)
    return r.returncode, r.stdout + r.stderr


def der_int(b):
    b = b.lstrip(b"\0") or b"\0"
    if b[0] & 0x80:
        b = b"\0" + b
    return b"\x02" + bytes([len(b)]) + b


def t_crypto():
    with ad.tempdir() as tmp:
        d = ad.Device(AKIRAOS, flash=os.path.join(tmp, "flash.img"), http=False,
                      args=["--install", app("envcrypto")])
        d.command("app start envcrypto", "envcrypto: started")
        ad.app_logs(d, "envcrypto", r"crypto done")
        ad.state_is(d, "envcrypto", r"failed\(trap\): out of bounds memory access")
        text, got = results(d, "envcrypto")
        compare(got, CRYPTO)
        check("not reached" not in text, "the range out of memory trapped the app")
        out = outputs(text, "envcrypto")
        pt = bytes.fromhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                           "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")
        want = {
            "sha256_abc": SHA_ABC, "sha256_empty": SHA_EMPTY, "sha256_56": SHA_56,
            "hmac1": HMAC1, "hmac2": HMAC2, "cbc_ct": CBC_CT, "ctr_ct": CTR_CT,
            "cbc_iv_after": "000102030405060708090a0b0c0d0e0f", "ctr_odd": CTR_CT[:10],
            "ed_sig_vector": ED_SIG_72,
        }
        compare(out, want)
        # The vectors agree with Python's and openssl's own computations.
        check(hashlib.sha256(b"abc").hexdigest() == SHA_ABC and
              hmac.new(b"Jefe", b"what do ya want for nothing?", "sha256").hexdigest() == HMAC2,
              "hashlib and hmac agree")
        rc, o = openssl(tmp, "enc", "-aes-256-cbc", "-K", KEY, "-iv",
                        "000102030405060708090a0b0c0d0e0f", "-nopad", data=pt)
        check(rc == 0 and o.hex() == CBC_CT, f"openssl's CBC: {o!r}")
        # Ed25519: the fresh key's public key and signature, checked by openssl.
        seed, pub, sig = (bytes.fromhex(out[k]) for k in ("ed_seed", "ed_pub", "ed_sig"))
        with open(os.path.join(tmp, "ed.der"), "wb") as f:
            f.write(bytes.fromhex("302e020100300506032b657004220420") + seed)
        rc, o = openssl(tmp, "pkey", "-inform", "DER", "-in", "ed.der", "-pubout",
                        "-outform", "DER")
        check(rc == 0 and o[-32:] == pub, f"the public key of the seed: {o.hex()} vs {pub.hex()}")
        with open(os.path.join(tmp, "ed_pub.der"), "wb") as f:
            f.write(bytes.fromhex("302a300506032b6570032100") + pub)
        for name, data in (("msg", b"hello upstream"), ("sig", sig)):
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
        rc, o = openssl(tmp, "pkeyutl", "-verify", "-pubin", "-inkey", "ed_pub.der",
                        "-keyform", "DER", "-rawin", "-in", "msg", "-sigfile", "sig")
        check(rc == 0 and b"Verified Successfully" in o, f"openssl verifies Ed25519: {o!r}")
        # P-256: raw r||s of the fresh key, as DER for openssl.
        pub, sig = bytes.fromhex(out["p256_pub"]), bytes.fromhex(out["p256_sig"])
        check(len(pub) == 65 and pub[0] == 4 and len(sig) == 64, "P-256 sizes")
        with open(os.path.join(tmp, "p256.der"), "wb") as f:
            f.write(bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200") + pub)
        body = der_int(sig[:32]) + der_int(sig[32:])
        with open(os.path.join(tmp, "p256.sig"), "wb") as f:
            f.write(b"\x30" + bytes([len(body)]) + body)
        rc, o = openssl(tmp, "dgst", "-sha256", "-verify", "p256.der", "-keyform", "DER",
                        "-signature", "p256.sig", "msg")
        check(rc == 0 and b"Verified OK" in o, f"openssl verifies the P-256 signature: {o!r}")
        d.finish()


NOCAP = ["mqtt_publish", "mqtt_subscribe", "mqtt_poll", "mqtt_connected", "ha_light_register",
         "ha_light_report", "ha_light_poll", "crypto_sha256", "crypto_aes256_encrypt",
         "crypto_aes256_decrypt", "crypto_hmac_sha256", "crypto_random",
         "crypto_ed25519_keygen", "crypto_ed25519_sign", "crypto_aes256_ctr",
         "crypto_p256_keygen", "crypto_p256_sign"]


def t_nocap():
    with ad.tempdir() as tmp:
        d = ad.Device(AKIRAOS, flash=os.path.join(tmp, "flash.img"), http=False,
                      args=["--install", app("envnocap")])
        d.command("app start envnocap", "envnocap: started")
        ad.app_logs(d, "envnocap", r"nocap done")
        _, got = results(d, "envnocap")
        compare(got, {k: -1 for k in NOCAP})
        mark = len(d.con.buf)
        d.console("app info envnocap")
        ad.sync(d)
        m = re.search(r"denied calls: +(\d+)", d.con.buf[mark:].decode(errors="replace"))
        check(m is None or int(m.group(1)) == len(NOCAP), "every denial counted")
        d.finish()


def t_trap():
    with ad.tempdir() as tmp:
        d = ad.Device(AKIRAOS, flash=os.path.join(tmp, "flash.img"), http=False,
                      args=["--install", app("envtrap")])
        for case in range(1, 20):
            mark = len(d.con.buf)
            d.command("app start envtrap", "envtrap: started")
            d.expect("envtrap: envtrap waiting", 10, since=mark)
            d.command("ipc pub envtrap.case %d" % case, "queued for 1 subscribers")
            ad.state_is(d, "envtrap", r"failed\(trap\): out of bounds memory access")
            check(b"not reached" not in d.con.buf[mark:], f"case {case} trapped")
        d.finish()


ad.main({"mqtt": t_mqtt, "crypto": t_crypto, "nocap": t_nocap, "trap": t_trap}, sys.argv[1])
