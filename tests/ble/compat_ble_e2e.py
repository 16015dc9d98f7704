#!/usr/bin/env python3
"""Upstream AkiraOS's env ble_* and hid_* (docs/compat.md) between akiraos processes on
the simulated radio: apps built in upstream's style with upstream's flags.

    compat_ble_e2e.py AKIRAOS AKIRA_RADIO COMPAT_APPS_DIR BLE_TEST_APPS_DIR SCENARIO

Scenarios:
  gatt   node 1 runs upgatt: a 128-bit service with a readable, writable, notifying
         characteristic, advertised with its UUID and name. Node 2's ble-peer app
         (our SDK) finds it in the adverts, connects, reads "hello", subscribes and
         writes "ping": upgatt gets CONNECTED and CHAR_WRITTEN (its handle, the length,
         the bytes) and answers "PING" as a notification. upgatt's scan reports carry
         node 2's address, RSSI and advertising data. Node 2 then becomes upgatt's HID
         host (pairing, `hid connect`): hid_is_connected turns 1 and the text upgatt
         types, Enter and a registered action arrive at node 2 as key codes; mouse
         calls answer 0, the consumer control -ENOTSUP. When upgatt is stopped its
         service is gone from node 2's discovery.
  calls  every bound function with good and bad arguments (upcalls), another app's
         handles, UUID and HID (upthief), and the capability denials (upnocap: no
         ble/ble.scan/hid, -EPERM and ble_scan_* -EACCES; upnoscan: ble without
         ble.scan; upnoble: ble.scan without ble); a UUID string out of memory traps.
Every process started is killed by pid (tests/harness/akira_device.py).
"""
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "harness"))
import akira_device as ad  # noqa: E402

AKIRAOS, RADIO, COMPAT, TEST_APPS = sys.argv[1:5]
EPERM, ENOENT, EFAULT, ENOMEM, EACCES, EBUSY, ENODEV, EINVAL, ENOTSUP = (
    -1, -2, -14, -12, -13, -16, -19, -22, -134)
UUID = "8a5e0001-2f3c-4d1e-9b7a-6c5d4e3f2a10"


def node(m, n, x, apps=()):
    args = m.args(x, 0, node=n)
    for a in apps:
        args += ["--install", a]
    return ad.Device(AKIRAOS, http=False, args=args)


def compat(name):
    return os.path.join(COMPAT, name + ".wasm")


services = ad.gatt_services


keys = ad.hid_keys


def scenario_gatt():
    with tempfile.TemporaryDirectory() as tmp:
        m = ad.Medium(RADIO, tmp, seed=7)
        n1 = node(m, 1, 0, [compat("upgatt")])
        n2 = node(m, 2, 2, [os.path.join(TEST_APPS, "ble-peer.wasm")])
        n1.command("app start upgatt", "started")
        for step in ("init", "name", "add_char", "add_service", "set_adv", "value",
                     "advertise", "scan", "hid"):
            ad.app_logs(n1, "upgatt", rf"upgatt: {step} 0\n")
        ad.app_logs(n1, "upgatt", r"upgatt: handles 0 0\n")
        # its scan: node 2's advertising (our device's set), the 59-byte report
        rep = ad.app_logs(n1, "upgatt", r"report (c0:00:00:00:00:02) rssi (-\d+) len (\d+)",
                          15).groups()
        ad.check(int(rep[2]) > 0 and -100 < int(rep[1]) < 0, f"scan report {rep}")
        ad.app_logs(n1, "upgatt", r"upgatt: scan_stop 0\n", 15)

        # GATT: node 2's app finds the advertised UUID, reads, subscribes, writes
        n2.command("app start ble-peer", "started")
        ad.app_logs(n2, "ble-peer", r"peer: found upgatt", 20)
        ad.app_logs(n2, "ble-peer", r"peer: service 0x[0-9a-f]{4}, 1 characteristic\(s\), "
                    r"props 0x1a", 20)
        ad.app_logs(n2, "ble-peer", r"peer: read 5 'hello'", 15)
        ad.app_logs(n2, "ble-peer", r"peer: subscribe 0", 15)
        ad.app_logs(n2, "ble-peer", r"peer: write 0", 15)
        ad.app_logs(n1, "upgatt", r"upgatt: connected 1\n", 10)
        ad.app_logs(n1, "upgatt", r"upgatt: written h=0 len=4 'ping'", 10)
        ad.app_logs(n1, "upgatt", r"upgatt: notified 0\n", 10)
        ad.app_logs(n1, "upgatt", r"upgatt: value 'PING' 4", 10)
        ad.app_logs(n2, "ble-peer", r"peer: notify 'PING'", 15)
        n2.command("app stop ble-peer", "stopped")  # its connection closes
        ad.app_logs(n1, "upgatt", r"upgatt: disconnected", 15)

        # HID: node 2 connects, pairs and becomes the HID host; upgatt types
        conn = ad.bt_connect(n2, 1)
        ad.check(any(s[2] == UUID for s in services(n2, conn)), "upgatt's service")
        n2.console(f"gatt pair {conn}")
        out = n2.expect(rb"(conn \d+: encrypted[, ][^\n]*|gatt pair[^\n]*)\n", 20, regex=True)
        ad.check("encrypted" in out, f"pairing: {out}")
        n2.command(f"hid connect {conn}", "keyboard ready", 20)
        ad.app_logs(n1, "upgatt", r"upgatt: hid done", 20)
        for step in ("type", "enter", "enter_up", "action", "trigger", "mouse", "click",
                     "click_up"):
            ad.app_logs(n1, "upgatt", rf"upgatt: {step} 0\n")
        ad.app_logs(n1, "upgatt", rf"upgatt: consumer {ENOTSUP}\n")
        got = []
        for _ in range(50):
            got += keys(n2)
            if ("2b", "up") in got:
                break
            ad.settle(n2, 100)
        down = [k for k, s in got if s == "down" and not k.startswith("e")]
        # H (shift), i, ! (shift 1), Enter, the action's Tab
        ad.check(down == ["0b", "0c", "1e", "28", "2b"], f"keys at the HID host: {got}")
        ad.check(("e1", "down") in got, f"shift for 'H' and '!': {got}")

        # upgatt stops: its service goes, its keys are up
        n1.command("app stop upgatt", "stopped")
        ad.app_logs(n1, "upgatt", r"ble: released 1 service\(s\), advertising")
        ad.check(not any(s[2] == UUID for s in services(n2, conn)),
                 "the stopped app's service is still there")
        for d in (n1, n2):
            d.poweroff()
        m.stop()


CALLS = {
    "ble_init": 0, "ble_set_local_name": 0, "ble_set_local_name_long": EINVAL,
    "ble_set_local_name_empty": EINVAL, "ble_service_create_bad": EINVAL,
    "ble_service_create_nothex": EINVAL, "svc_handles": 1, "ble_service_create": 3,
    "ble_service_create_full": ENOMEM, "ble_char_create_bad_props": EINVAL,
    "ble_char_create_no_props": EINVAL, "ble_char_create_zero_len": EINVAL,
    "ble_char_create_long": EINVAL, "ble_char_create_bad_uuid": EINVAL, "chr_handles": 1,
    "ble_service_add_char": 0, "ble_service_add_char_twice": EBUSY,
    "ble_service_add_char_bad_char": EINVAL, "ble_service_add_char_bad_svc": EINVAL,
    "ble_add_service_empty": EINVAL, "ble_add_service_bad": EINVAL, "ble_add_service": 0,
    "ble_add_service_twice": EBUSY, "ble_service_add_char_added": EBUSY,
    "ble_service_add_char_ess": 0, "ble_add_service_system_uuid": EBUSY,
    "ble_set_advertised_service_bad": EINVAL, "ble_set_advertised_service": 0,
    "ble_advertise": 0, "ble_stop_advertise": 0, "ble_is_connected": 0, "ble_char_write": 0,
    "ble_char_write_oob": EFAULT, "ble_char_write_long": EINVAL, "ble_char_write_bad": EINVAL,
    "ble_char_write_unattached": EINVAL, "ble_char_read": 5, "ble_char_read_value": 1,
    "ble_char_read_short": 2, "ble_char_read_oob": EFAULT, "ble_char_read_bad": EINVAL,
    "ble_event_pop_short": EINVAL, "ble_event_pop_oob": EFAULT, "ble_event_pop": 0,
    "ble_scan_start": 0, "ble_scan_start_twice": EBUSY, "ble_scan_pop_short": EINVAL,
    "ble_scan_pop_oob": EFAULT, "ble_scan_stop": 0, "ble_deinit": 0,
    "ble_char_read_after_deinit": EINVAL, "ble_add_service_again": 0,
    "hid_key_press_disabled": ENODEV, "hid_set_transport_usb": ENOTSUP,
    "hid_set_transport_bad": EINVAL, "hid_set_transport": 0, "hid_set_device_types_zero": EINVAL,
    "hid_set_device_types_bad": EINVAL, "hid_set_device_types": 0, "hid_enable": 0,
    "hid_set_device_types_enabled": EBUSY, "hid_set_transport_enabled": EBUSY,
    "hid_is_connected": 0, "hid_key_press_bad": EINVAL, "hid_key_press": 0, "hid_key_release": 0,
    "hid_key_press_seventh": ENOMEM, "hid_key_release_all": 0, "hid_set_modifiers_bad": EINVAL,
    "hid_set_modifiers": 0, "hid_type_string": 0, "hid_type_string_untypable": EINVAL,
    "hid_gamepad_press": 0, "hid_gamepad_press_bad": EINVAL, "hid_gamepad_release": 0,
    "hid_gamepad_set_axis": 0, "hid_gamepad_set_axis_fifth": ENOTSUP,
    "hid_gamepad_set_axis_bad": EINVAL, "hid_gamepad_set_axis_range": EINVAL,
    "hid_gamepad_set_dpad": 0, "hid_gamepad_set_dpad_north": ENOTSUP,
    "hid_gamepad_set_dpad_bad": EINVAL, "hid_gamepad_reset": 0, "hid_gamepad_send_report": 0,
    "hid_gamepad_send_report_hat": ENOTSUP, "hid_gamepad_send_report_a4": ENOTSUP,
    "hid_gamepad_send_report_bad": EINVAL, "hid_mouse_move": 0, "hid_mouse_move_bad": EINVAL,
    "hid_mouse_btn_press": 0, "hid_mouse_btn_press_bad": EINVAL, "hid_mouse_btn_release": 0,
    "hid_mouse_scroll": 0, "hid_mouse_scroll_bad": EINVAL, "hid_consumer_send": ENOTSUP,
    "hid_consumer_send_bad": EINVAL, "hid_send_raw_report": ENOTSUP,
    "hid_send_raw_report_oob": EFAULT, "hid_send_raw_report_long": EINVAL,
    "hid_action_register": 0, "hid_action_register_long": EINVAL,
    "hid_action_register_bad_key": EINVAL, "hid_action_register_full": ENOMEM,
    "hid_action_register_replace": 0, "hid_action_trigger": 0,
    "hid_action_trigger_unknown": ENOENT, "hid_disable": 0, "hid_key_press_after_disable": ENODEV,
    "hid_init_usb": ENOTSUP, "hid_init": 0, "hid_mouse_move_not_enabled_type": ENOTSUP,
}
THIEF = {
    "ble_init": 0, "thief_char_write": EPERM, "thief_char_read": EPERM, "thief_add_char": EPERM,
    "thief_add_service": EPERM, "thief_set_adv": EPERM, "thief_free_place": EINVAL,
    "thief_own_handles": 1, "thief_add_own_char": 0, "thief_same_uuid": EBUSY,
    "thief_hid_enable": EBUSY,
}
DENIED = {
    # no ble, ble.scan, hid: the bridge's denial, upstream's values
    "upnocap": {"ble_init": EPERM, "ble_service_create": EPERM, "ble_scan_start": EACCES,
                "ble_scan_pop": EACCES, "ble_scan_stop": EACCES, "hid_enable": EPERM,
                "hid_key_press": EPERM},
    # ble without ble.scan: the natives' check of upstream's bit
    "upnoscan": {"ble_init": 0, "ble_service_create": 0, "ble_scan_start": EACCES,
                 "ble_scan_pop": EACCES, "ble_scan_stop": EACCES, "hid_enable": EPERM,
                 "hid_key_press": EPERM},
    # ble.scan without ble
    "upnoble": {"ble_init": EPERM, "ble_service_create": EPERM, "ble_scan_start": 0,
                "ble_scan_stop": 0, "hid_enable": EPERM, "hid_key_press": EPERM},
}


def results(d, app, since, done):
    ad.app_logs(d, app, done, 15)
    ad.sync(d)
    text = d.con.buf[since:].decode(errors="replace")
    return text, dict((k, int(v)) for k, v in re.findall(r"<inf> %s: (\w+): (-?\d+)" % app, text))


def compare(app, got, want):
    wrong = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
    ad.check(not wrong, f"{app} results (got, wanted): {wrong}")


def scenario_calls():
    with tempfile.TemporaryDirectory() as tmp:
        m = ad.Medium(RADIO, tmp, seed=9)
        n1 = node(m, 1, 0, [compat(a) for a in ("upcalls", "upthief", "upnocap", "upnoscan",
                                                 "upnoble")])
        for app, want in DENIED.items():
            mark = len(n1.con.buf)
            n1.command(f"app start {app}", "started")
            _, got = results(n1, app, mark, r"denied done")
            compare(app, got, want)
        mark = len(n1.con.buf)
        n1.command("app start upcalls", "started")
        text, got = results(n1, "upcalls", mark, r"calls ready")
        compare("upcalls", got, CALLS)
        mark = len(n1.con.buf)
        n1.command("app start upthief", "started")
        _, got = results(n1, "upthief", mark, r"thief done")
        compare("upthief", got, THIEF)
        ad.app_logs(n1, "upcalls", r"calls trap next", 15)
        state = ad.app_logs(n1, "upcalls", r"not reached|ble: released", 10).group(0)
        ad.check(state != "not reached", "the out-of-memory string trapped the app")
        n1.command("app info upcalls", "failed")
        n1.expect(rb"out of bounds memory access", 5)
        n1.poweroff()
        m.stop()


if __name__ == "__main__":
    ad.main({"gatt": scenario_gatt, "calls": scenario_calls}, sys.argv[5])
