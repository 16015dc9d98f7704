#!/usr/bin/env python3
"""Upstream AkiraOS's RF and mesh calls (docs/compat.md "RF", "Mesh") from apps built
with upstream's flags (tests/runtime/compat_apps/), across native_sim nodes on the
radio medium (akira-radio, killed by pid).

usage: test_compat_radio_e2e.py SCENARIO AKIRAOS AKIRA_RADIO COMPAT_APP_DIR

  rf    two nodes without a mesh key: uprf's every rf_* call with good and bad
        arguments (upstream's codes), packets between the two nodes, its long blocking
        receive neither counted by the watchdog nor holding up a stop; uprf2 beside it
        gets -EBUSY (the holder named), checks realloc and strtod, and exit(3) shows as
        its exit code; once uprf is stopped uprf2 gets the radio and a payload outside
        memory traps; upmesh cannot start the mesh on the held radio; upnocap's calls
        without the capabilities are -EPERM
  mesh  a line of three nodes with the same mesh key, upmesh on both ends: its every
        mesh_* call with good and bad arguments, broadcasts and unicast answers across
        the relay (upstream's 8-byte ids), the nodes it sees (the relay a neighbour, the
        far end 2 hops away), its stats, mesh_stop, and abort() ending it as a failure
        that says so
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402

KEY = "11" * 16 + "22" * 16
SCENARIO, AKIRAOS, RADIO, APPS = sys.argv[1:5]


def node(d, medium, nid, x):
    return ad.Device(AKIRAOS, flash=os.path.join(d, f"node{nid}.img"),
                     args=medium.args(x, 0.0, node=nid, tx_power=-20) + ["--log-level", "inf"])


def install(dev, name):
    dev.command("app install " + os.path.join(APPS, name + ".wasm"), "installed " + name, 20)
    ad.sync(dev)


def start(dev, name):
    """Starts the app; one that ends at once may be reported as ended instead (its
    state and log are what the scenario checks)."""
    dev.console("app start " + name)
    dev.expect(re.compile(rb"(" + name.encode() + rb": started|app " + name.encode() +
                          rb": start failed)"), 10, regex=True)


def logs(dev, name, pattern, timeout=10.0):
    return ad.app_logs(dev, name, pattern, timeout)


def results(dev, name):
    """Every `name: value` line the app logged so far (the console keeps them all)."""
    ad.sync(dev)
    text = dev.con.buf.decode(errors="replace")
    return dict((k, int(v)) for k, v in re.findall(r"<inf> %s: (\w+): (-?\d+)" % name, text))


def expect_results(dev, name, want):
    got = results(dev, name)
    wrong = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
    check(not wrong, f"{name}: results (got, wanted): {wrong}")


EINVAL, EPERM, ENODEV, ENOTSUP, EMSGSIZE, EFAULT, EBUSY = -22, -1, -19, -134, -122, -14, -16
RF = {
    "rf_set_frequency_433": EINVAL, "rf_set_frequency_half": EINVAL,
    "rf_set_frequency_2526": EINVAL, "rf_set_frequency_ble": EPERM,
    "rf_set_frequency_mesh": EPERM, "rf_set_power_30": EINVAL, "rf_set_power_m41": EINVAL,
    "rf_select_9": EINVAL, "rf_select_cc1101": ENODEV, "rf_select_lr2021": ENODEV,
    "rf_set_modulation_0": EINVAL, "rf_set_modulation_lora": ENOTSUP,
    "rf_set_spreading_factor": ENOTSUP, "rf_set_bandwidth": ENOTSUP,
    "rf_set_coding_rate": ENOTSUP, "rf_set_bitrate_9600": ENOTSUP, "rf_set_bitrate_0": EINVAL,
    "rf_tx_cw_start": ENOTSUP, "rf_tx_cw_set_freq": ENOTSUP, "rf_tx_cw_stop": ENOTSUP,
    "rf_set_sync_word": ENOTSUP, "rf_raw_capture": ENOTSUP, "rf_raw_replay": ENOTSUP,
    "rf_select_nrf24": 0, "rf_set_frequency": 0, "rf_set_power": 0, "rf_set_bitrate": 0,
    "rf_set_modulation_gfsk": 0, "rf_get_rssi_dbm": 1, "rf_send_0": EINVAL,
    "rf_send_256": EMSGSIZE, "rf_recv_pop_bad": EFAULT, "rf_recv_pop_0": EINVAL,
    "rf_receive_bad": EFAULT, "rf_recv_pop_empty": -35, "rf_recv_pop_wait": -35,
    "rf_receive_timeout": -116,
}
UPRF2 = {
    "rf_select_held": EBUSY, "rf_set_frequency_held": EBUSY, "rf_send_held": EBUSY,
    "rf_get_rssi_held": EBUSY, "rf_set_power_held": EBUSY, "rf_recv_pop_held": EBUSY,
    "rf_receive_held": EBUSY,
    "realloc_null": 1, "realloc_grow": 1, "realloc_kept": 1, "realloc_shrink": 1,
    "realloc_same": 1, "realloc_interior": 1, "realloc_huge": 1, "realloc_kept_after_fail": 1,
    "realloc_zero": 1, "realloc_freed": 1, "strtod_null_end": 7,
}
# strtod: value x 1000 (-7777 NaN, +-8888 beyond 1e18) and the characters it took
STRTOD = ["3250 end 4", "-500000 end 6", "1 end 4", "42000 end 5", "8888 end 3",
          "-7777 end 4", "8888 end 5", "0 end 0", "500 end 2", "8888 end 23",
          "0 end 1", "1000 end 1", "0 end 0", "150000 end 5", "2 end 6", "0 end 7"]
NOCAP = {"rf_select_nocap": EPERM, "rf_send_nocap": EPERM, "rf_set_sync_word_nocap": EPERM, "mesh_start_nocap": EPERM,
         "mesh_get_stats_nocap": EPERM}


def t_rf():
    with ad.tempdir() as d:
        medium = ad.Medium(RADIO, d)
        a, b = node(d, medium, 1, 0.0), node(d, medium, 2, 8.0)
        for name in ("uprf", "uprf2", "upmesh", "upnocap"):
            install(a, name)
        install(b, "uprf")
        start(a, "uprf")
        logs(a, "uprf", r"uprf: checks done")
        expect_results(a, "uprf", RF)
        start(b, "uprf")
        for dev in (a, b):
            logs(dev, "uprf", r"uprf: heard 1\d bytes: uprf packet \d+", 30)
            logs(dev, "uprf", r"uprf: link ok", 30)
        logs(a, "uprf", r"uprf: holding")
        # the second app: the radio is uprf's; realloc, strtod; exit(3)
        start(a, "uprf2")
        logs(a, "uprf2", r"uprf2: exiting")
        expect_results(a, "uprf2", UPRF2)
        text = a.con.buf.decode(errors="replace")
        for i, want in enumerate(STRTOD):
            check(f"uprf2: strtod_{i}: {want}" in text, f"strtod case {i}: wanted {want}")
        check("rf: radio1 is held by app uprf" in text, "the holder named to uprf2")
        ad.state_is(a, "uprf2", r"stopped: exited 3")
        check("uprf2: not reached" not in text, "exit() ended the app")
        # nor can the mesh start on it
        start(a, "upmesh")
        logs(a, "upmesh", r"upmesh: no mesh")
        expect_results(a, "upmesh", {"mesh_start": EBUSY})
        logs(a, "upmesh", r"mesh: the radio is held by app uprf")
        start(a, "upnocap")
        logs(a, "upnocap", r"upnocap: done")
        expect_results(a, "upnocap", NOCAP)
        # uprf waits in 30 s receives: the watchdog (2 s) does not count them ...
        time.sleep(3)
        ad.state_is(a, "uprf", "running")
        # ... and a stop ends one at once
        t0 = time.time()
        a.command("app stop uprf", "uprf: stopped", 5)
        took = time.time() - t0
        check(took < 1.5, f"app stop took {took:.2f} s")
        # the radio went with it: uprf2 gets it, and its payload outside memory traps
        mark = len(a.con.buf)
        start(a, "uprf2")
        ad.state_is(a, "uprf2", r"failed\(trap\): out of bounds memory access")
        ad.sync(a)
        check(re.search(r"uprf2: rf_select_held: 0", a.con.buf[mark:].decode(errors="replace")),
              "uprf2 got the radio after uprf's end")
        for dev in (a, b):
            dev.finish()
        medium.stop()


MESH = {
    "mesh_init_node_300": EINVAL, "mesh_init_role_3": EINVAL, "mesh_init_long_name": EINVAL,
    "mesh_init": 0, "mesh_start": 0, "mesh_start_again": 0, "mesh_send_bad_dest": EFAULT,
    "mesh_send_bad_data": EFAULT, "mesh_send_foreign_id": EINVAL, "mesh_send_0": EINVAL,
    "mesh_send_201": EMSGSIZE, "mesh_broadcast_hops": EINVAL, "mesh_broadcast_201": EMSGSIZE,
    "mesh_broadcast_bad": EFAULT, "mesh_recv_pop_bad_src": EFAULT,
    "mesh_recv_pop_bad_buf": EFAULT, "mesh_recv_pop_empty": -35, "mesh_recv_pop_wait": -35,
    "mesh_get_nodes_bad": EFAULT, "mesh_get_nodes_neg": EINVAL, "mesh_get_stats_bad": EFAULT,
    "mesh_get_stats": 0,
}
MESH_AFTER = {"mesh_get_stats_after": 0, "mesh_stop": 0, "mesh_recv_pop_stopped": -35}


def t_mesh():
    """A line of 3 nodes 8 m apart at -20 dBm (each hears only its neighbours), the
    app on both ends: its messages cross node 2."""
    with ad.tempdir() as d:
        medium = ad.Medium(RADIO, d)
        devs = [node(d, medium, i + 1, 8.0 * i) for i in range(3)]
        for i, dev in enumerate(devs):
            dev.command(f"mesh key {KEY}", f"node {i + 1} up", 10)
        a, c = devs[0], devs[2]
        for dev in (a, c):
            install(dev, "upmesh")
        install(a, "upnocap")
        start(a, "upmesh")
        logs(a, "upmesh", r"upmesh: checks done")
        expect_results(a, "upmesh", MESH)
        start(c, "upmesh")
        for dev, other in ((a, 3), (c, 1)):
            logs(dev, "upmesh", r"upmesh: exchange ok", 40)
            logs(dev, "upmesh", rf"upmesh: from node {other}, \d+ bytes: b:hello \d+")
            logs(dev, "upmesh", rf"upmesh: from node {other}, 12 bytes: u:hello back")
            # the relay is a neighbour (its RSSI), the far end 2 hops away
            m = logs(dev, "upmesh", r"upmesh: node 2 name node-2 hops 1 rssi (-\d+)")
            check(-100 < int(m.group(1)) < -20, f"RSSI {m.group(1)}")
            logs(dev, "upmesh", rf"upmesh: node {other} name node-{other} hops 2 rssi 0")
            m = logs(dev, "upmesh", r"upmesh: stats sent (\d+) received (\d+) neighbours (\d+)")
            check(int(m.group(1)) >= 1 and int(m.group(2)) >= 1 and int(m.group(3)) == 1,
                  f"stats: {m.group(0)}")
            expect_results(dev, "upmesh", MESH_AFTER)
            ad.state_is(dev, "upmesh", r"failed\(trap\): the app called abort\(\)")
        check("upmesh: not reached" not in a.con.buf.decode(errors="replace"), "abort ended it")
        start(a, "upnocap")
        logs(a, "upnocap", r"upnocap: done")
        expect_results(a, "upnocap", NOCAP)
        for dev in devs:
            dev.finish()
        medium.stop()


if __name__ == "__main__":
    ad.main({"rf": t_rf, "mesh": t_mesh}, SCENARIO)
