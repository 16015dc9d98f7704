#!/usr/bin/env python3
"""Bluetooth LE between akiraos processes on the simulated radio medium (docs/ble.md).

    ble_e2e.py AKIRAOS AKIRA_RADIO SCENARIO

Each scenario starts one akira-radio on a Unix socket in a temporary folder and several
akiraos nodes on it (tests/harness/akira_device.py: Medium, Device), drives them from
their consoles and kills every process it started by pid. Scenarios:
  two_nodes     scan (name, RSSI), connect, LENGTH/VERSION exchanges, pairing by the
                hosts and encryption, disconnect (0x16 here, 0x13 there), a key the
                peripheral's bond does not match (MIC failure 0x3d), and the pcap of it all decoded by tshark without a
                malformed packet or a CRC warning
  eight_nodes   eight nodes: one scan finds the seven others; four pairs connect at once
  out_of_range  5 km apart: not heard, no connection; moved close: found
  lossy         20 % loss: the connection holds (retransmissions); total loss:
                supervision timeout, reason 0x08 on both sides; loss gone: reconnect
  rf_raw        the radio class without BLE: radio1 of one node sends raw frames at
                868 MHz / 250 kbit/s, the other's radio1 hears them with RSSI and link
                quality, and not those on another frequency or rate
  hostile       a rogue node on the medium: malformed PDUs, bad CRCs, invalid and a
                flood of valid CONNECT_INDs, garbage to the broker; the node stays
                alive, counts what it refused, and a real central still connects
"""
import os
import random
import re
import shutil
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "harness"))
import akira_device as ad  # noqa: E402

AKIRAOS, RADIO = sys.argv[1], sys.argv[2]
KEY = "4C68384139F574D836BCF34E9DFB01BF"
WRONG = "00112233445566778899AABBCCDDEEFF"
ADV_AA = 0x8E89BED6


def addr(n):
    return "C0:00:00:00:00:%02X" % n


def finish(m, *devices):
    """Powers the nodes off (exit 0, no sanitizer report), then the medium."""
    for d in devices:
        d.finish()
    m.stop()


def node(m, n, x, y=0.0):
    return ad.Device(AKIRAOS, http=False, args=m.args(x, y, node=n))


def connect(c, p_node, extra=""):
    """The central c connects to node p_node; returns (handle, the answer line)."""
    c.console(f"bt connect {addr(p_node)} {extra}".strip())
    out = c.expect(rb"((?:connected: conn \d+|no connection)[^\n]*)\n", 15, regex=True)
    ad.check(out.startswith("connected"), f"no connection to {addr(p_node)}: {out}")
    return int(re.search(r"conn (\d+)", out).group(1)), out


def periph_handle(p, central):
    """The handle of the peripheral p's newest connection with node `central` (an
    attempt that failed to be established, 0x3e, may have used one before)."""
    p.wait_for(rf"connected to {addr(central)} as peripheral", 10)
    time.sleep(0.2)
    return re.findall(rf"conn (\d+): connected to {addr(central)}", p.output())[-1]


def status(d):
    """`bt status` as one text: the header lines and one line per connection."""
    d.console("bt status")
    text = d.expect(rb"(address [\s\S]*?connections \d+/\d+\n)", 5, regex=True)
    n = int(re.search(r"connections (\d+)/", text).group(1))
    for _ in range(n):
        text += d.expect(rb"  conn [^\n]*\n", 5, regex=True)
    return text


def scan(d, secs, expect_n=None):
    d.console(f"bt scan {secs}")
    head = d.expect(rb"(\d+) device\(s\)\n", secs + 10, regex=True)
    n = int(head.split()[0])
    lines = []
    for _ in range(n):
        lines.append(d.expect(rb"  C0:[^\n]*\n", 5, regex=True))
    if expect_n is not None:
        ad.check(n == expect_n, f"scan found {n} devices, not {expect_n}: {lines}")
    return lines


def tshark_check(pcap, must):
    tshark = shutil.which("tshark")
    ad.check(tshark is not None, "tshark is not installed (scripts/packages.txt)")
    r = subprocess.run([tshark, "-r", pcap], capture_output=True, text=True, timeout=60)
    ad.check(r.returncode == 0, f"tshark failed: {r.stderr[-500:]}")
    listing = r.stdout
    frames = len(listing.strip().splitlines())
    ad.check(frames > 50, f"only {frames} frames in the capture")
    for word in must:
        ad.check(word in listing, f"{word} not in the capture")
    # tshark 4.0 does not follow link encryption: after LL_START_ENC_REQ it takes the
    # encrypted control PDUs of that connection for plain ones, and a ciphertext whose
    # first byte is a known opcode looks malformed to it. Those frames are excused;
    # any other warning or malformed frame fails.
    def frames(flt):
        r = subprocess.run([tshark, "-r", pcap, "-Y", flt, "-T", "fields", "-e", "frame.number",
                            "-e", "btle.access_address"], capture_output=True, text=True,
                           timeout=60)
        return [l.split("\t") for l in r.stdout.strip().splitlines() if l.strip()]
    enc_from = {}
    for num, aa in frames("btle.control_opcode == 0x05"):
        enc_from.setdefault(aa, int(num))
    bad = [(int(n), aa) for n, aa in frames(
        "_ws.malformed || _ws.expert.severity >= warning || btle.crc.incorrect")]
    real = [(n, aa) for n, aa in bad if not (aa in enc_from and n > enc_from[aa])]
    ad.check(not real, f"tshark flags frames {real[:20]}")


def two_nodes():
    with ad.tempdir() as tmp:
        pcap = os.path.join(tmp, "air.pcap")
        m = ad.Medium(RADIO, tmp, pcap=pcap)
        a, b = node(m, 1, 0), node(m, 2, 3)
        lines = scan(a, 3, 1)
        mm = re.search(r"C0:00:00:00:00:02 rssi (-\d+) ADV_IND\s+\"akira-2\"", lines[0])
        ad.check(mm is not None, f"scan line: {lines[0]}")
        ad.check(-58 <= int(mm.group(1)) <= -50, f"RSSI at 3 m: {mm.group(1)}")
        conn, _ = connect(a, 2)
        pc = periph_handle(b, 1)
        time.sleep(0.5)  # the version, feature and length exchanges
        st = status(a)
        ad.check("octets 251/251" in st and "central" in st, f"data length not exchanged: {st}")
        # encryption: the hosts pair (LE Secure Connections, docs/ble_host.md) and
        # the link layers encrypt with the LTK they derived
        a.console(f"gatt pair {conn}")
        out = a.expect(rb"(conn \d+: encrypted[, ][^\n]*|gatt pair[^\n]*)\n", 20, regex=True)
        ad.check("encrypted, paired" in out, f"pairing: {out}")
        a.wait_for(rf"conn {conn}: encrypted", 10)
        b.wait_for(rf"conn {pc}: encrypted", 10)
        b.wait_for(rf"conn {pc}: paired, bonded", 10)
        ad.check(" encrypted interval" in status(a), "not shown encrypted")
        # encrypted data both ways, 251 bytes (the negotiated size) and 3 x 100 queued;
        # the counters already hold the pairing's SMP PDUs, so the check is on the growth
        def data_bytes(d):
            m = re.search(r"data (\d+)\n", status(d))
            ad.check(m, f"no data counter: {status(d)}")
            return int(m.group(1))

        a0, b0 = data_bytes(a), data_bytes(b)
        a.command(f"bt send {conn} 251", "251 bytes queued", 5)
        for _ in range(3):
            b.command(f"bt send {pc} 100", "100 bytes queued", 5)
        time.sleep(0.5)
        ad.check(data_bytes(b) == b0 + 251, f"251 bytes did not arrive: {status(b)}")
        ad.check(data_bytes(a) == a0 + 300, f"300 bytes did not arrive: {status(a)}")
        a.command(f"bt disconnect {conn}", f"disconnected conn {conn}", 10)
        a.wait_for(rf"conn {conn} with C0:00:00:00:00:02 closed: reason 0x16", 5)
        b.wait_for(rf"conn {pc} with C0:00:00:00:00:01 closed: reason 0x13", 10)
        # advertising resumed; a key the peripheral's bond does not match (its host
        # answers the LTK request with the bond's key) fails the first MIC
        conn, _ = connect(a, 2, "50 1000")
        pc = periph_handle(b, 1)
        time.sleep(0.3)
        a.command(f"bt encrypt {conn} {WRONG}", "encryption requested", 5)
        b.wait_for(rf"conn {pc} with C0:00:00:00:00:01 closed: reason 0x3d", 10)
        a.wait_for(rf"conn {conn} with C0:00:00:00:00:02 closed: reason 0x08", 10)
        finish(m, a, b)
        tshark_check(pcap, ["ADV_IND", "SCAN_REQ", "SCAN_RSP", "CONNECT_IND", "LL_VERSION_IND",
                            "LL_FEATURE_REQ", "LL_FEATURE_RSP", "LL_LENGTH_REQ", "LL_LENGTH_RSP",
                            "LL_ENC_REQ", "LL_ENC_RSP", "LL_START_ENC_REQ", "Empty PDU"])


def eight_nodes():
    with ad.tempdir() as tmp:
        m = ad.Medium(RADIO, tmp, seed=8)
        nodes = [node(m, i + 1, 2.0 * (i % 4), 2.0 * (i // 4)) for i in range(8)]
        lines = scan(nodes[0], 3)
        for i in range(2, 9):
            ad.check(any(addr(i) in l and f'"akira-{i}"' in l for l in lines),
                     f"{addr(i)} not found: {lines}")
        for c in range(0, 8, 2):  # four pairs at once: 1-2, 3-4, 5-6, 7-8
            nodes[c].console(f"bt connect {addr(c + 2)}")
        handles = {}
        for c in range(0, 8, 2):
            out = nodes[c].expect(rb"((?:connected: conn \d+|no connection)[^\n]*)\n", 15,
                                  regex=True)
            ad.check(out.startswith("connected"), f"node {c + 1}: {out}")
            handles[c] = re.search(r"conn (\d+)", out).group(1)
            nodes[c + 1].wait_for(rf"connected to {addr(c + 1)} as peripheral", 10)
        time.sleep(1.0)
        for c in range(0, 8, 2):
            st = status(nodes[c])
            ad.check("connections 1/4" in st and "establishing" not in st, st)
            h = handles[c]
            nodes[c].command(f"bt disconnect {h}", f"disconnected conn {h}", 10)
        print(m.ctl("stats").strip())
        finish(m, *nodes)


def out_of_range():
    with ad.tempdir() as tmp:
        m = ad.Medium(RADIO, tmp)
        a, b = node(m, 1, 0), node(m, 2, 5000)
        scan(a, 1, 0)
        a.console(f"bt connect {addr(2)}")
        a.expect(f"no connection to {addr(2)} within 5 s", 15)
        ad.check("connected" not in b.output(), "the far node got a connection")
        ad.check("node 2 at 3.00,0.00" in m.ctl("pos", 2, 3, 0), "medium: pos")
        lines = scan(a, 2, 1)
        ad.check(addr(2) in lines[0], lines)
        connect(a, 2)
        finish(m, a, b)


def lossy():
    with ad.tempdir() as tmp:
        m = ad.Medium(RADIO, tmp, seed=3)
        a, b = node(m, 1, 0), node(m, 2, 3)
        conn, _ = connect(a, 2, "50 3000")
        pc = periph_handle(b, 1)
        ad.check("loss 0.200" in m.ctl("loss", 0.2), "medium: loss")
        time.sleep(3)
        st = status(a)
        ad.check("connections 1/4" in st, f"the connection did not survive 20 % loss: {st}")
        retx = int(re.search(r"retx (\d+)", st).group(1))
        ad.check(retx > 0, f"no retransmission at 20 % loss: {st}")
        m.ctl("loss", 1)
        a.wait_for(rf"conn {conn} with {addr(2)} closed: reason 0x08", 10)
        b.wait_for(rf"conn {pc} with {addr(1)} closed: reason 0x08", 10)
        m.ctl("loss", 0)
        connect(a, 2)
        finish(m, a, b)


def rf_raw():
    with ad.tempdir() as tmp:
        m = ad.Medium(RADIO, tmp)
        a, b = node(m, 1, 0), node(m, 2, 3)
        lst = a.command("radio", "radio1: node 65537", 5)
        ad.check("radio1" in lst, lst)
        b.command("radio listen radio1 868 rf250k 4000", "listening on radio1", 10)
        a.command("radio send radio1 869 rf250k 0badf00d", "sent 4 bytes", 5)  # not tuned there
        a.command("radio send radio1 868 rf250k 48656c6c6f", "sent 5 bytes", 5)
        a.command("radio send radio1 868 ble1m 0011", "sent 2 bytes", 5)  # another rate
        got = b.expect(rb"(frame 5 bytes rssi -?\d+ lqi \d+: 48 65 6c 6c 6f)", 10, regex=True)
        rssi = int(re.search(r"rssi (-?\d+)", got).group(1))
        ad.check(-48 <= rssi <= -44, f"RSSI at 3 m, 868 MHz: {rssi}")  # 45.5 dB path loss
        b.expect("1 frame(s)", 10)
        a.console("radio cca radio1 868 rf250k")  # nothing in the air at 868 MHz now
        line = a.expect(rb"(energy -?\d+ dBm: \w+)", 5, regex=True)
        ad.check(line == "energy -127 dBm: clear", line)
        a.console("radio send radio9 868 rf250k 00")
        a.expect("no ready radio 'radio9'", 5)
        a.console("radio send radio1 5000 rf250k 00")
        a.expect("bad frequency or rate", 5)
        finish(m, a, b)


# --- a rogue node on the medium -------------------------------------------------------


def crc24(init, pdu):
    st = init
    for byte in pdu:
        for j in range(8):
            bit = ((st >> 23) ^ (byte >> j)) & 1
            st = (st << 1) & 0xFFFFFF
            if bit:
                st ^= 0x65B
    return int(f"{st:024b}"[::-1], 2)


class Rogue:
    """A node that speaks the medium's protocol directly (akira/radio_medium.h)."""

    def __init__(self, sock, node_id, x_cm, y_cm=0):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.s.settimeout(5)
        self.s.connect(sock)
        self.s.send(struct.pack("<BIii", 1, node_id, x_cm, y_cm))
        ans = self.s.recv(64)
        ad.check(ans[0] == 2, f"medium refused the rogue: {ans!r}")

    def tx(self, freq, frame, aa=ADV_AA, crc_ok=True, crc_init=0x555555):
        if crc_ok is not None:
            c = crc24(crc_init, frame)
            if not crc_ok:
                c ^= 0x000100
            frame = frame + c.to_bytes(3, "little")
        self.s.send(struct.pack("<BHBbI", 5, freq, 0, 0, aa) + frame)

    def rx(self, timeout):
        self.s.settimeout(timeout)
        try:
            m = self.s.recv(512)
        except socket.timeout:
            return None
        if not m or m[0] != 10:
            return None
        freq, rate, rssi, lqi, aa, src = struct.unpack_from("<HBbBII", m, 1)
        return freq, aa, m[14:-3]


def connect_ind(rogue_addr, target, interval=40, timeout=100, hop=7, chm=b"\xff\xff\xff\xff\x1f",
                win_size=2, aa=None):
    aa = aa if aa is not None else random.choice([0x5B2D8BEF, 0x71764129, 0x4A3C2B1D])
    lld = struct.pack("<I", aa) + random.randbytes(3) + struct.pack(
        "<BHHHH", win_size, 0, interval, 0, timeout) + chm + bytes([hop])
    body = rogue_addr + target + lld
    return bytes([0xC5, len(body)]) + body


def hostile():
    random.seed(16)
    with ad.tempdir() as tmp:
        m = ad.Medium(RADIO, tmp)
        b = node(m, 2, 3)
        r = Rogue(m.sock, 99, 100)
        me = bytes([0x63, 0, 0, 0, 0, 0xC0])
        target = bytes([2, 0, 0, 0, 0, 0xC0])
        # Everything goes out right after one of the node's ADV_INDs, on its channel,
        # while the node listens for SCAN_REQ / CONNECT_IND (an advertiser hears nothing
        # between its events): malformed frames, then CONNECT_INDs with invalid
        # parameters, then a flood of valid ones (each makes a connection that never
        # starts, closed after six events with 0x3e).
        def malformed(i):
            kind = i % 6
            if kind == 0:  # length field lies
                return bytes([0x00, 30]) + me + b"\x02\x01\x06", True
            if kind == 1:  # bad CRC on a SCAN_REQ for the node
                return bytes([0xC3, 12]) + me + target, False
            if kind == 2:  # reserved PDU type
                return bytes([0x4F, 6]) + me, True
            if kind == 3:  # a SCAN_REQ one byte long
                return bytes([0xC3, 13]) + me + target + b"\x00", True
            if kind == 4:  # random bytes, random length, no CRC at all
                return random.randbytes(random.randint(1, 40)), None
            return connect_ind(me, target)[:-1], True  # a CONNECT_IND one byte short
        bad = [dict(hop=0), dict(interval=0), dict(chm=b"\x01\x00\x00\x00\x00"),
               dict(timeout=1), dict(win_size=0), dict(aa=ADV_AA), dict(hop=31)]
        sent_mal = sent_bad = sent_good = 0
        deadline = time.time() + 20
        while time.time() < deadline and (sent_mal < 60 or sent_bad < 40 or sent_good < 20):
            got = r.rx(0.5)
            if not got:
                continue
            freq, aa, pdu = got
            if aa != ADV_AA or len(pdu) < 8 or pdu[0] & 0x0F != 0 or pdu[2:8] != target:
                continue
            # one frame per ADV_IND: two sent at once would collide on the medium
            if sent_mal < 60:
                frame, crc_ok = malformed(sent_mal)
                r.tx(freq, frame, crc_ok=crc_ok)
                sent_mal += 1
            elif sent_bad < 40:
                r.tx(freq, connect_ind(me, target, **bad[sent_bad % len(bad)]))
                sent_bad += 1
            else:
                r.tx(freq, connect_ind(me, target))
                sent_good += 1
        ad.check(sent_mal >= 60 and sent_bad == 40 and sent_good > 10,
                 f"rogue sent {sent_mal} malformed, {sent_bad} bad, {sent_good} good")
        # 3. garbage to the broker itself
        r.s.send(bytes([5]))  # TX with no header
        r.s.send(bytes([0x7E]) + random.randbytes(100))  # unknown message
        r.s.send(bytes([5, 0x62, 0x09, 0, 0, 0xD6, 0xBE, 0x89, 0x8E]) + bytes(600))  # too long
        ad.check("tx" in m.ctl("stats"), "the broker stopped answering")
        time.sleep(1.0)  # the flood's connections fail to establish (0x3e)
        st = status(b)
        refused = int(re.search(r"connections refused (\d+)", st).group(1))
        badn = int(re.search(r"bad PDUs (\d+)", st).group(1))
        ad.check(refused >= 20, f"invalid CONNECT_INDs not refused: {st}")
        ad.check(badn >= 20, f"malformed PDUs not counted: {st}")
        ad.check("reason 0x3e" in b.output(), "no flood connection failed to establish")
        # the node still works: a real central connects
        a = node(m, 1, 0)
        connect(a, 2)
        finish(m, a, b)


def update():
    """LL_CONNECTION_UPDATE_IND and LL_CHANNEL_MAP_IND: both sides switch at the instant
    (the same event number in their logs), data flows after each, the peripheral may not
    send them, a map of one channel is refused, tshark decodes both."""
    with ad.tempdir() as tmp:
        pcap = os.path.join(tmp, "air.pcap")
        m = ad.Medium(RADIO, tmp, pcap=pcap)
        a, b = node(m, 1, 0), node(m, 2, 3)
        conn, _ = connect(a, 2)
        pc = periph_handle(b, 1)
        time.sleep(0.5)

        def data_bytes(d):
            mm = re.search(r"data (\d+)\n", status(d))
            ad.check(mm, f"no data counter: {status(d)}")
            return int(mm.group(1))

        def data_flows():
            a0, b0 = data_bytes(a), data_bytes(b)
            a.command(f"bt send {conn} 200", "200 bytes queued", 5)
            b.command(f"bt send {pc} 120", "120 bytes queued", 5)
            time.sleep(0.6)
            ad.check(data_bytes(b) == b0 + 200 and data_bytes(a) == a0 + 120,
                     f"data after the change: {status(a)} {status(b)}")

        a.command(f"bt update {conn} 30 2000", "connection update sent", 5)
        ea = a.wait_for(rf"conn {conn}: interval 30.00 ms, timeout 2000 ms from event (\d+)", 10)
        eb = b.wait_for(rf"conn {pc}: interval 30.00 ms, timeout 2000 ms from event (\d+)", 10)
        ad.check(ea == eb, f"the instant differs: central event {ea}, peripheral {eb}")
        for d in (a, b):
            ad.check("interval 30.00 ms timeout 2000 ms" in status(d), status(d))
        data_flows()

        a.command(f"bt chmap {conn} 0000000c03", "channel map sent", 5)  # 0, 1, 10, 11
        ea = a.wait_for(rf"conn {conn}: channel map 0000000c03 \(4 channels\) from event (\d+)",
                        10)
        eb = b.wait_for(rf"conn {pc}: channel map 0000000c03 \(4 channels\) from event (\d+)",
                        10)
        ad.check(ea == eb, f"the instant differs: central event {ea}, peripheral {eb}")
        data_flows()

        b.command(f"bt update {pc} 50 4000", "only the central sends", 5)
        a.command(f"bt chmap {conn} 1", "values out of range", 5)
        a.command(f"bt chmap {conn} 3fffffffff", "not a channel map", 5)
        time.sleep(0.5)
        ad.check("closed" not in a.output() + b.output(), "the connection dropped")
        a.command(f"bt disconnect {conn}", f"disconnected conn {conn}", 10)
        finish(m, a, b)
        tshark_check(pcap, ["CONNECT_IND", "LL_CONNECTION_UPDATE", "LL_CHANNEL_MAP"])


ad.main({"update": update, "two_nodes": two_nodes, "eight_nodes": eight_nodes, "out_of_range": out_of_range,
         "lossy": lossy, "hostile": hostile, "rf_raw": rf_raw}, sys.argv[3])
