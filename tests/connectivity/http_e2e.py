#!/usr/bin/env python3
"""End-to-end tests of the HTTP API and the network shell against a booted native_sim.

usage: http_e2e.py AKIRAOS SCENARIO

Each scenario boots build/bin/akiraos --http-port P --shell-port Q --flash F on free
loopback ports (asked from the OS, retried if taken meanwhile), talks to it with raw
sockets (every limit is about bytes on the wire), and powers it off at the end: the
exit status must be 0, so a crash or a hang in shutdown fails the test.
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check, closed_by_peer, fail, jbody, read_response  # noqa: E402

AKIRAOS = sys.argv[1]


def Device(flash):
    return ad.Device(AKIRAOS, flash, http=True, shell=True)


def connect(dev, timeout=5):
    return ad.connect(dev.http, timeout)


def request(dev, method, path, body=None, token=None, headers=None):
    return ad.request(dev.http, method, path, body, token, headers)


def still_serving(dev):
    st, _, b = request(dev, "GET", "/api/status")
    check(st == 200 and jbody(b)["board"] == "native_sim", "device stopped serving")


def token_of(dev):
    return dev.http_token()


# --- scenarios -----------------------------------------------------------------------


def t_api(dev):
    st, h, b = request(dev, "GET", "/api/status")
    check(st == 200 and h["content-type"] == "application/json", f"status {st}")
    j = jbody(b)
    check(j["board"] == "native_sim" and j["version"], f"status body {j}")
    check(j["uptime_ms"] > 0 and "heap_total" in j["memory"], f"status body {j}")
    names = [p["name"] for p in j["flash"]["partitions"]]
    check("settings" in names and "app-store" in names, f"partitions {names}")

    st, _, b = request(dev, "GET", "/api/logs")
    j = jbody(b)
    check(st == 200 and any(e["module"] == "http" for e in j["entries"]), f"logs {j}")
    nxt = j["next"]
    st, _, b = request(dev, "GET", f"/api/logs?after={nxt}")
    check(st == 200 and all(e["seq"] > nxt for e in jbody(b)["entries"]), "logs after")
    st, _, b = request(dev, "GET", "/api/logs?limit=2")
    check(len(jbody(b)["entries"]) == 2, "logs limit")
    st, _, _ = request(dev, "GET", "/api/logs?after=x")
    check(st == 400, f"logs bad query {st}")

    tok = token_of(dev)
    check(tok == dev.first_token, "`http token` is the token shown at first boot")
    st, _, b = request(dev, "GET", "/api/settings/app/demo/greeting")
    check(st == 401, f"GET settings without token {st}")
    st, _, b = request(dev, "GET", "/api/settings/app/demo/greeting", token=tok)
    check(st == 404 and jbody(b)["status"] == 404, f"missing key {st}")
    st, _, _ = request(dev, "PUT", "/api/settings/app/demo/greeting", b"hi")
    check(st == 401, f"PUT without token {st}")
    st, _, _ = request(dev, "PUT", "/api/settings/app/demo/greeting", b"hi", token="0" * 32)
    check(st == 401, f"PUT with a wrong token {st}")
    st, _, b = request(dev, "PUT", "/api/settings/app/demo/greeting", "grüß dich".encode(),
                       token=tok)
    check(st == 200 and jbody(b)["length"] == len("grüß dich".encode()), f"PUT {st} {b}")
    st, _, b = request(dev, "GET", "/api/settings/app/demo/greeting", token=tok)
    j = jbody(b)
    check(st == 200 and j["value"] == "grüß dich" and j["encoding"] == "utf-8", f"GET {j}")
    st, _, b = request(dev, "PUT", "/api/settings/app/demo/bin", b"\x00\xff\x10", token=tok)
    check(st == 200, "PUT binary")
    j = jbody(request(dev, "GET", "/api/settings/app/demo/bin", token=tok)[2])
    check(j["value"] == "00ff10" and j["encoding"] == "hex", f"binary value {j}")
    # the console sees the same store
    dev.console("http ports")
    dev.wait_for(rb"shell " + str(dev.shell).encode(), 5)

    # secrets: 403 for reading and writing, with or without the token
    for key in ("akira/http/token", "akira/security/keys/x", "akira/security",
                "akira/shell/history"):
        st, _, b = request(dev, "GET", f"/api/settings/{key}", token=tok)
        check(st == 403, f"GET secret {key} {st}")
        st, _, _ = request(dev, "PUT", f"/api/settings/{key}", b"x", token=tok)
        check(st == 403, f"PUT secret {key} {st}")
    check(token_of(dev) == tok, "token unchanged")

    # value limits
    st, _, _ = request(dev, "PUT", "/api/settings/app/demo/big", b"x" * 1024, token=tok)
    check(st == 200, f"1024-byte value {st}")
    st, _, _ = request(dev, "PUT", "/api/settings/app/demo/big", b"x" * 1025, token=tok)
    check(st == 413, f"1025-byte value {st}")
    s = connect(dev)
    s.sendall(("PUT /api/settings/app/demo/big HTTP/1.1\r\nAuthorization: Bearer " + tok +
               "\r\nTransfer-Encoding: chunked\r\n\r\n401\r\n" + "x" * 1025 + "\r\n0\r\n\r\n")
              .encode())
    st, _, b = read_response(s)
    s.close()
    check(st == 413 and "at most 1024 bytes" in jbody(b)["error"], f"chunked 1025 bytes {b}")
    st, _, _ = request(dev, "PUT", "/api/settings/app/" + "k" * 80, b"x", token=tok)
    check(st in (400, 414), f"long key {st}")
    st, _, _ = request(dev, "PUT", "/api/settings/sys/other", b"x", token=tok)
    check(st == 400, f"key outside the namespaces {st}")

    # names: not UTF-8, '..', '.', encoded slashes, control bytes
    for path in ("/api/settings/app/%ff%fe", "/api/settings/app/../akira/http/token",
                 "/api/settings/app/%2e%2e/x", "/api/settings/app/./x", "/api/settings/app//x",
                 "/api/settings/app/a%2fb", "/api/settings/app/a%00b", "/api/settings/app/%zz"):
        st, _, b = request(dev, "GET", path, token=tok)
        check(st == 400 and jbody(b)["status"] == 400, f"{path}: {st}")

    # routing errors
    st, _, b = request(dev, "GET", "/api/nothing")
    check(st == 404 and "error" in jbody(b), f"unknown path {st}")
    st, _, _ = request(dev, "DELETE", "/api/status", token=tok)
    check(st == 405, f"wrong method {st}")
    still_serving(dev)


def t_http_features(dev):
    tok = token_of(dev)
    # keep-alive: three requests on one connection
    s = connect(dev)
    for _ in range(3):
        s.sendall(b"GET /api/status HTTP/1.1\r\nHost: d\r\n\r\n")
        st, h, _ = read_response(s)
        check(st == 200 and h["connection"] == "keep-alive", "keep-alive")
    # pipelining: two requests in one send, answered in order
    s.sendall(b"GET /api/settings/app/p/none HTTP/1.1\r\nAuthorization: Bearer " + tok.encode() +
              b"\r\n\r\nGET /api/status HTTP/1.1\r\n\r\n")
    st1, _, _ = read_response(s)
    st2, _, _ = read_response(s)
    check((st1, st2) == (404, 200), f"pipelined {st1} {st2}")
    s.close()
    # chunked request body
    s = connect(dev)
    s.sendall(("PUT /api/settings/app/c/v HTTP/1.1\r\nAuthorization: Bearer " + tok +
               "\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nchun\r\n3;x=y\r\nked\r\n0\r\n\r\n")
              .encode())
    st, _, b = read_response(s)
    check(st == 200, f"chunked PUT {st} {b}")
    s.close()
    j = jbody(request(dev, "GET", "/api/settings/app/c/v", token=tok)[2])
    check(j["value"] == "chunked", f"chunked value {j}")
    # Expect: 100-continue is answered before the body is sent
    s = connect(dev)
    s.sendall(("PUT /api/settings/app/c/e HTTP/1.1\r\nAuthorization: Bearer " + tok +
               "\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n").encode())
    first = s.recv(100)
    check(first.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), f"100-continue {first!r}")
    s.sendall(b"later")
    st, _, _ = read_response(s, first[len(b"HTTP/1.1 100 Continue\r\n\r\n"):])
    check(st == 200, f"after 100-continue {st}")
    s.close()
    # HTTP/1.0: no keep-alive by default, a streamed body ends at the close
    s = connect(dev)
    s.sendall(b"GET /api/status HTTP/1.0\r\n\r\n")
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    check(data.startswith(b"HTTP/1.1 200") and b'"board":"native_sim"' in data, "1.0")
    # a body on a route that does not want it, then reuse: the server closes cleanly
    st, h, _ = request(dev, "POST", "/api/status", b"x" * 10)
    check(st == 405 and h.get("allow") == "GET", f"POST with body {st} {h}")
    # a 405 names every method of the path (RFC 9110 15.5.6)
    st, h, _ = request(dev, "POST", "/api/settings/app/c/v")
    check(st == 405 and h.get("allow") == "GET, DELETE, PUT", f"POST settings {st} {h}")
    still_serving(dev)


def t_token_persists(dev):
    tok = dev.first_token
    check(tok and len(tok) == 32, "a token was shown at first boot")
    flash = dev.flash
    dev.finish()
    dev2 = Device(flash)
    dev2.flash = flash
    check(dev2.first_token is None, "the token is shown once only (not at the second boot)")
    check(token_of(dev2) == tok, "same token after reboot")
    st, _, _ = request(dev2, "PUT", "/api/settings/app/t/x", b"1", token=tok)
    check(st == 200, f"old token works after reboot {st}")
    return dev2


def t_slowdown(dev):
    tok = token_of(dev)
    codes = []
    for _ in range(3):
        codes.append(request(dev, "PUT", "/api/settings/app/s/x", b"1", token="bad")[0])
    check(codes == [401, 401, 401], f"first failures {codes}")
    st, h, b = request(dev, "PUT", "/api/settings/app/s/x", b"1", token="bad")
    check(st == 429 and int(h["retry-after"]) >= 1, f"locked out {st}")
    # locked out means the right token is not even looked at
    t0 = time.monotonic()
    st, _, _ = request(dev, "PUT", "/api/settings/app/s/x", b"1", token=tok)
    check(st == 429, f"good token while locked out {st}")
    # reading stays open to everyone
    still_serving(dev)
    # after the lock-out the right token works again and clears the record
    while True:
        time.sleep(0.2)
        st, _, _ = request(dev, "PUT", "/api/settings/app/s/x", b"1", token=tok)
        if st != 429:
            break
        check(time.monotonic() - t0 < 5, "lock-out longer than 5 s")
    check(st == 200, f"good token after the lock-out {st}")
    # failures again: the free tries again (success cleared the record) ...
    codes = [request(dev, "PUT", "/api/settings/app/s/x", b"1", token="bad")[0]
             for _ in range(4)]
    check(codes == [401, 401, 401, 429], f"after a success {codes}")
    # ... and each failure after a lock-out doubles the next one
    time.sleep(1.1)
    st, _, _ = request(dev, "PUT", "/api/settings/app/s/x", b"1", token="bad")
    check(st == 401, f"after the lock-out {st}")
    st, h, _ = request(dev, "PUT", "/api/settings/app/s/x", b"1", token="bad")
    check(st == 429 and int(h["retry-after"]) >= 2, f"the lock-out doubles: {st} {h}")


def t_rotate(dev):
    # Guessing from more addresses than the lock-out table holds (16), round-robin, so
    # each address's record is evicted before its own lock-out: the failures of all
    # addresses together bring a global back-off. The owner, who logged in before from
    # 127.0.0.1, is spared; a new address with the right token waits like the others.
    tok = token_of(dev)
    st, _, _ = request(dev, "PUT", "/api/settings/app/r/x", b"1", token=tok)
    check(st == 200, f"owner's login {st}")
    addrs = [f"127.0.0.{i}" for i in range(2, 26)]  # 24 addresses
    codes = []
    for rnd in range(3):
        for a in addrs:
            codes.append(ad.request(dev.http, "PUT", "/api/settings/app/r/x", b"1",
                                    token="bad", source=a)[0])
    first = codes.index(429) if 429 in codes else None
    check(first is not None and first <= 20,
          f"no global back-off after {len(codes)} failures from {len(addrs)} addresses: "
          f"{codes.count(401)} answered 401, the first 429 at {first}")
    check(codes[first:].count(401) <= 2, f"guesses went on after the back-off: {codes}")
    print(f"rotate: first 429 after {first} failures; {codes.count(401)} of {len(codes)} "
          "guesses looked at")
    st, h, _ = ad.request(dev.http, "PUT", "/api/settings/app/r/x", b"1", token=tok,
                          source="127.0.0.99")
    check(st == 429 and int(h["retry-after"]) >= 1, f"a new address during the back-off: {st}")
    st, _, _ = request(dev, "PUT", "/api/settings/app/r/x", b"2", token=tok)
    check(st == 200, f"the owner during the back-off: {st}")
    dev.wait_for(rb"global back-off", 5)
    still_serving(dev)


def t_slow_bodies(dev):
    # A token holder drips request bodies on every worker (8), a byte every 0.3 s: never
    # silent for the 1 s that ends a request while others wait, but far below the
    # minimum rate. A status request is still answered within a second or two, and the
    # dripped bodies are ended (408 or closed) with nothing stored.
    tok = token_of(dev)
    slow = []
    for i in range(8):
        s = connect(dev, timeout=20)
        s.sendall((f"PUT /api/settings/app/d/k{i} HTTP/1.1\r\nAuthorization: Bearer {tok}\r\n"
                   "Content-Length: 1000\r\n\r\n").encode())
        slow.append(s)
    halt = ad.drip(slow, b"x", 0.3)
    time.sleep(1.5)  # every worker holds a dripping body now
    try:
        for _ in range(3):
            t0 = time.monotonic()
            try:
                st, _, _ = request(dev, "GET", "/api/status")
            except OSError:
                st = None
            waited = time.monotonic() - t0
            print(f"slow_bodies: status answered in {waited:.2f} s")
            check(st == 200 and waited < 2.5,
                  f"status answered {st} after {waited:.1f} s behind 8 dripped bodies")
    finally:
        halt()
    ended = sum(1 for s in slow if closed_by_peer(s, 15))
    for s in slow:
        s.close()
    check(ended == 8, f"only {ended} of 8 dripped bodies ended")
    for i in range(8):
        check(request(dev, "GET", f"/api/settings/app/d/k{i}", token=tok)[0] == 404, "a dripped body stored")
    dev.wait_for(rb"body slower than 1024 bytes/s", 5)
    still_serving(dev)


def t_hostile(dev):
    # a bad request line: 400, closed
    for junk in (b"HELLO\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x16\x03\x01\x00\xa5\x01",
                 b"GET /\xff\xfe HTTP/1.1\r\n\r\n", b"GET / HTTP/1.1\r\nBad Header\r\n\r\n"):
        s = connect(dev)
        s.sendall(junk)
        st, h, b = read_response(s)
        check(st in (400, 505) and h["connection"] == "close", f"{junk!r}: {st}")
        check(jbody(b)["status"] == st, "JSON error body")
        check(closed_by_peer(s, 5), f"{junk!r}: connection not closed")
        s.close()
    # huge headers: 431 (the server stops reading at its limit)
    s = connect(dev)
    s.sendall(b"GET /api/status HTTP/1.1\r\n" + b"X-Pad: " + b"a" * 8000 + b"\r\n\r\n")
    st, _, _ = read_response(s)
    check(st == 431, f"huge header {st}")
    s.close()
    s = connect(dev)
    s.sendall(b"GET /" + b"a" * 6000 + b" HTTP/1.1\r\n\r\n")
    st, _, _ = read_response(s)
    check(st == 414, f"huge target {st}")
    s.close()
    # many small headers
    s = connect(dev)
    s.sendall(b"GET /api/status HTTP/1.1\r\n" + b"".join(b"H%d: x\r\n" % i for i in range(40))
              + b"\r\n")
    check(read_response(s)[0] == 431, "too many headers")
    s.close()
    # smuggling shapes
    for req in (b"PUT /api/settings/app/h/x HTTP/1.1\r\nContent-Length: 1\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                b"PUT /api/settings/app/h/x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n"
                b"\r\nab"):
        s = connect(dev)
        s.sendall(req)
        check(read_response(s)[0] == 400, f"smuggling {req!r}")
        s.close()
    # a body announced over the endpoint's limit: refused before it is sent
    s = connect(dev)
    s.sendall(b"PUT /api/settings/app/h/x HTTP/1.1\r\nContent-Length: 99999999\r\n"
              b"Authorization: Bearer " + token_of(dev).encode() + b"\r\n\r\n")
    st, _, b = read_response(s)
    check(st == 413 and "at most 1024 bytes" in jbody(b)["error"], f"huge Content-Length {b}")
    s.close()

    tok = token_of(dev)
    # a lying Content-Length (more announced than sent) and a truncated body: the
    # server waits for the rest at most the idle timeout, serving others meanwhile
    liar = connect(dev, timeout=20)
    liar.sendall(("PUT /api/settings/app/h/lie HTTP/1.1\r\nAuthorization: Bearer " + tok +
                  "\r\nContent-Length: 100\r\n\r\nonly ten!!").encode())
    trunc = connect(dev)
    trunc.sendall(("PUT /api/settings/app/h/cut HTTP/1.1\r\nAuthorization: Bearer " + tok +
                   "\r\nContent-Length: 100\r\n\r\nhalf").encode())
    trunc.close()
    # slowloris: one header byte every 0.5 s, never finishing its head
    slow = connect(dev, timeout=20)
    slow.sendall(b"GET /api/status HTTP/1.1\r\n")
    stop = threading.Event()

    def drip():
        try:
            while not stop.is_set():
                slow.sendall(b"X")
                time.sleep(0.5)
        except OSError:
            pass

    t = threading.Thread(target=drip, daemon=True)
    t0 = time.monotonic()
    t.start()
    for _ in range(5):
        still_serving(dev)
        time.sleep(0.2)
    # neither value was stored (a cut body changes nothing)
    check(request(dev, "GET", "/api/settings/app/h/cut", token=tok)[0] == 404, "truncated body stored")
    check(closed_by_peer(slow, 15), "slowloris not dropped")
    stop.set()
    slow_secs = time.monotonic() - t0
    check(slow_secs < 13, f"slowloris held its connection {slow_secs:.1f} s")
    liar_status = None
    try:
        liar.settimeout(15)
        data = liar.recv(4096)
        liar_status = data.split(b" ")[1] if data else b"closed"
    except OSError:
        liar_status = b"reset"
    check(liar_status in (b"400", b"408", b"closed", b"reset"), f"liar: {liar_status}")
    check(request(dev, "GET", "/api/settings/app/h/lie", token=tok)[0] == 404, "lying body stored")
    still_serving(dev)

    # slowloris on every worker (8): heads trickling a byte every 0.3 s, each within
    # the 10 s head deadline; a real client that then waits must be served once a
    # trickler's head is 1 s old, not after the 10 s
    lorises = [connect(dev, timeout=20) for _ in range(8)]
    for s in lorises:
        s.sendall(b"GET /api/status HTTP/1.1\r\n")
    halt = ad.drip(lorises, b"X", 0.3)
    time.sleep(0.5)  # every worker holds a loris now
    t0 = time.monotonic()
    try:
        st, _, _ = request(dev, "GET", "/api/status")
    except OSError:
        st = None  # not answered within the client's timeout
    waited = time.monotonic() - t0
    halt()
    check(st == 200 and waited < 4, f"served after {waited:.1f} s behind 8 slowloris heads")
    dropped = 0
    for s in lorises:
        if closed_by_peer(s, 12):
            dropped += 1
        s.close()
    check(dropped == 8, f"only {dropped} of 8 slowloris connections dropped")
    still_serving(dev)


def t_flood(dev):
    # hundreds of connections at once, each with a request: every one is answered
    # (200, or 503 when the queue is full) or closed, none hangs
    results = []
    lock = threading.Lock()

    def one():
        try:
            st, _, _ = request(dev, "GET", "/api/status")
        except (OSError, ConnectionError) as e:
            st = type(e).__name__
        with lock:
            results.append(st)

    threads = [threading.Thread(target=one) for _ in range(300)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    check(len(results) == 300, f"only {len(results)} of 300 finished")
    ok = results.count(200)
    check(all(r in (200, 503, "ConnectionResetError") for r in results),
          f"unexpected answers {set(map(str, results))}")
    check(ok >= 8, f"only {ok} of 300 served")
    # hundreds of idle connections held open: a real client still gets served soon
    idle = []
    for _ in range(300):
        try:
            idle.append(connect(dev))
        except OSError:
            break
    check(len(idle) >= 200, f"could only open {len(idle)} connections")
    t0 = time.monotonic()
    while True:
        try:
            st, _, _ = request(dev, "GET", "/api/status")
        except (OSError, ConnectionError):
            st = None
        if st == 200:
            break
        check(time.monotonic() - t0 < 10, "not served while idle connections are held")
        time.sleep(0.2)
    served_after = time.monotonic() - t0
    for s in idle:
        s.close()
    # at least 8 at once: 8 slow uploads in parallel all complete
    tok = token_of(dev)
    socks = []
    for i in range(8):
        s = connect(dev)
        s.sendall((f"PUT /api/settings/app/f/k{i} HTTP/1.1\r\nAuthorization: Bearer {tok}\r\n"
                   "Content-Length: 4\r\n\r\nab").encode())
        socks.append(s)
    time.sleep(0.3)  # all 8 are mid-body now, each holding a worker
    queued = []
    t = threading.Thread(target=lambda: queued.append(request(dev, "GET", "/api/status")[0]))
    t.start()  # waits in the queue: all 8 workers are busy
    # (a body silent for 1 s while others wait gives its worker up: stay well under)
    time.sleep(0.2)
    check(not queued, "a 9th request was served while 8 uploads held the workers")
    for s in socks:
        s.sendall(b"cd")
    codes = [read_response(s)[0] for s in socks]
    check(codes == [200] * 8, f"8 concurrent uploads {codes}")
    t.join(10)
    check(queued == [200], f"queued request {queued}")
    print(f"flood: {ok}/300 served at once, served {served_after:.2f} s into an idle flood")
    still_serving(dev)


def t_shell(dev):
    tok = token_of(dev)
    # wrong token: refused, and commands typed anyway are not run
    s = dev.shell_session()
    s.expect("token: ")
    t0 = time.monotonic()
    s.send("nope\r\n")
    s.expect("wrong token")
    check(time.monotonic() - t0 >= 0.9, "a wrong token is answered after a delay")
    s.send("x\nx\npoweroff\n")
    check(s.closed_by_peer(10), "closed after three wrong tokens")
    s.close()
    check(dev.p.poll() is None, "poweroff ran without the token")
    # several sessions at once, the console's commands, CR LF line ends
    a, b = dev.shell_session(), dev.shell_session()
    for s in (a, b):
        s.login(tok)
    a.send("uptime\n")
    a.expect(rb"up [^\n]* ms", 5, regex=True)
    b.send("http token\r\n")
    b.expect(tok)
    b.send("nosuchcmd\n")
    b.expect("nosuchcmd")
    b.close()
    # EOF ends a session without touching the device
    still_serving(dev)
    # poweroff from an authenticated session powers the device off
    a.send("poweroff\n")
    check(a.closed_by_peer(10), "session closed on poweroff")
    rc = dev.wait(10)
    check(rc == 0, f"exit status {rc} after network poweroff")
    out = dev.output()
    check("network shell: poweroff" in out, "poweroff logged")
    return "done"


def t_shell_crowd(dev):
    # Idle clients that hold every shell session and all reconnect at once, again and
    # again, cannot keep the owner out: each of the owner's logins gets in promptly.
    tok = token_of(dev)
    stop = threading.Event()
    idle = []

    def crowd():
        while not stop.wait(1.5):
            old = idle[:]
            del idle[:]
            for c in old:
                c.close()
            for _ in range(8):
                try:
                    idle.append(ad.connect(dev.shell, 5))
                except OSError:
                    pass

    for _ in range(8):
        idle.append(ad.connect(dev.shell, 5))
    t = threading.Thread(target=crowd, daemon=True)
    t.start()
    time.sleep(0.5)
    try:
        for i in range(3):
            t0 = time.monotonic()
            s = dev.shell_session()
            s.send(tok + "\r\nuptime\r\n")  # typed at once, as a script does
            try:
                s.expect("ok:", 8)
                s.expect(rb"up [^\n]* ms", 5, regex=True)
            except ad.Fail as e:
                fail(f"login {i} while idle clients crowd the shell: {e}: {s.io.text()!r}")
            took = time.monotonic() - t0
            check(took < 5, f"login {i} took {took:.1f} s")
            print(f"shell_crowd: login {i} in {took:.2f} s")
            s.close()
            time.sleep(0.3)
    finally:
        stop.set()
        t.join(5)
        for c in idle:
            c.close()
    still_serving(dev)


def t_shell_reboot(dev):
    # `reboot` in a network session restarts the device (same flash, same token), and
    # the new image binds the same ports again
    tok = dev.first_token
    s = dev.shell_session()
    s.expect("token: ")
    s.send(tok + "\nreboot\n")
    check(s.closed_by_peer(10), "session closed on reboot")
    dev.wait_for(rb"network shell: reboot", 10)
    end = time.monotonic() + 10
    while dev.output().count("[ ok ] network") < 2:
        check(time.monotonic() < end, "no second boot with the network up")
        time.sleep(0.05)
    st, _, b = request(dev, "GET", "/api/status")
    check(st == 200, f"status after reboot {st}")
    check("device token (shown once" not in dev.output().split("network shell: reboot")[1],
          "token shown again after reboot")
    check(token_of(dev) == tok, "token kept across reboot")


def t_shutdown_graceful(dev):
    # a request in progress when the device powers off is answered before the exit;
    # idle keep-alive connections are closed
    tok = token_of(dev)
    idle = connect(dev)
    idle.sendall(b"GET /api/status HTTP/1.1\r\n\r\n")
    read_response(idle)
    s = connect(dev)
    s.sendall(("PUT /api/settings/app/g/x HTTP/1.1\r\nAuthorization: Bearer " + tok +
               "\r\nContent-Length: 4\r\n\r\nab").encode())
    time.sleep(0.3)
    dev.console("poweroff")
    time.sleep(0.3)
    s.sendall(b"cd")
    st, _, _ = read_response(s)
    check(st == 200, f"request in progress at poweroff: {st}")
    check(closed_by_peer(idle, 5), "idle keep-alive connection closed at poweroff")
    rc = dev.wait(10)
    check(rc == 0, f"exit {rc}")
    return "done"


def t_hw(dev):
    # GPIO: the table of 32 pins, then drive pin 5 from outside as a button would.
    st, _, b = request(dev, "GET", "/api/gpio")
    check(st == 200, f"GET /api/gpio {st}")
    pins = jbody(b)["pins"]
    check(len(pins) == 32 and pins[5]["pin"] == 5, f"pins {pins[:2]}")
    st, _, _ = request(dev, "POST", "/api/gpio/5", body=b"1")
    check(st == 401, f"drive without token: {st}")
    tok = token_of(dev)
    st, _, b = request(dev, "POST", "/api/gpio/5", body=b'{"level": 1}', token=tok)
    check(st == 200 and jbody(b) == {"pin": 5, "level": 1}, f"drive: {st} {b}")
    st, _, b = request(dev, "GET", "/api/gpio")
    check(jbody(b)["pins"][5]["level"] == 1, "pin 5 reads 1 after the drive")
    dev.console("gpio get 5")
    dev.wait_for(rb"pin 5: 1", 5)
    st, _, b = request(dev, "POST", "/api/gpio/5", body=b"0", token=tok)
    check(st == 200 and jbody(request(dev, "GET", "/api/gpio")[2])["pins"][5]["level"] == 0,
          "pin 5 back to 0")
    # Let go of it: it floats to its pull (none: reads 0); the shell drives it again.
    st, _, b = request(dev, "POST", "/api/gpio/5", body=b"1", token=tok)
    st, _, b = request(dev, "POST", "/api/gpio/5", body=b'{"level": null}', token=tok)
    check(st == 200 and jbody(b) == {"pin": 5, "level": 0}, f"let go: {st} {b}")
    for path, body, want in (("/api/gpio/32", b"1", 404), ("/api/gpio/x", b"1", 404),
                             ("/api/gpio/5", b"2", 400), ("/api/gpio/5", b"", 400)):
        st, _, b = request(dev, "POST", path, body=body, token=tok)
        check(st == want and "error" in jbody(b), f"POST {path} {body}: {st}")
    # The shell drives the same wire: HTTP reads what it set.
    dev.console("gpio set 5 1")
    dev.wait_for(rb"pin 5 \(input, driven\): 1", 5)
    check(jbody(request(dev, "GET", "/api/gpio")[2])["pins"][5]["level"] == 1,
          "HTTP sees the level the shell drove")
    # Sensors: every channel of both chips, with units and exact values.
    st, _, b = request(dev, "GET", "/api/sensors")
    check(st == 200, f"GET /api/sensors {st}")
    sensors = {x["name"]: x for x in jbody(b)["sensors"]}
    check(set(sensors) == {"bme280", "lsm6ds3"}, f"sensors {list(sensors)}")
    bme = {r["channel"]: r for r in sensors["bme280"]["readings"]}
    check(set(bme) == {"ambient_temp", "press", "humidity"}, f"bme280 {bme}")
    t = bme["ambient_temp"]["micro"] / 1e6
    check(-40 <= t <= 85 and bme["ambient_temp"]["unit"] == "C", f"temperature {t}")
    p = bme["press"]["micro"] / 1e6
    check(30 <= p <= 110, f"pressure {p} kPa")
    imu = {r["channel"] for r in sensors["lsm6ds3"]["readings"]}
    check({"accel_x", "gyro_z"} <= imu, f"lsm6ds3 {imu}")
    still_serving(dev)


SCENARIOS = {
    "api": t_api,
    "features": t_http_features,
    "token": t_token_persists,
    "slowdown": t_slowdown,
    "rotate": t_rotate,
    "slow_bodies": t_slow_bodies,
    "hostile": t_hostile,
    "flood": t_flood,
    "shell": t_shell,
    "shell_crowd": t_shell_crowd,
    "shell_reboot": t_shell_reboot,
    "shutdown": t_shutdown_graceful,
    "hw": t_hw,
}

def run(name):
    with ad.tempdir() as d:
        flash = os.path.join(d, "flash.img")
        dev = Device(flash)
        res = SCENARIOS[name](dev)
        if isinstance(res, ad.Device):
            dev = res
        if res != "done":
            dev.finish()


if __name__ == "__main__":
    ad.main({name: run for name in SCENARIOS}, sys.argv[2], sys.argv[2])
