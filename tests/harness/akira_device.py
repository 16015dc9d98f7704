"""The one harness the end-to-end tests use to boot and drive build/bin/akiraos.

Import it from a test with
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "harness"))
    import akira_device as ad

What it holds, each written once:
  Stream       expect with timeouts on any file descriptor (a pipe, a pseudo-terminal,
               a socket, a QEMU serial port): bytes are collected by a reader thread,
               expect() searches from a mark, every wait is bounded.
  Device       akiraos started with a flash file and free loopback ports (retried when
               one was taken meanwhile), its console on a pipe or a pseudo-terminal, the
               device token, HTTP calls with it, poweroff/kill by pid, and the check that
               it exited 0 without a sanitizer report.
  run_piped    akiraos with a whole script on stdin, bounded in time.
  http helpers connect/request/read_response: raw sockets, since the limits under test
               are about bytes on the wire.
  png helpers  png_decode/png_read: 8-bit RGB(A) PNGs (what the display gives) into
               pixel rows; png_compare: a snapshot against a reviewed golden image.
  Mosquitto    Debian's mosquitto broker on a free loopback port with a temp config
               and persistence dir (restartable on the same port), killed by main().
  MqttClient   a small MQTT 3.1.1 client on a socket (QoS 0/1, retained, persistent
               sessions) for tests that check what devices publish and send commands.
  main         runs one scenario; on a failure prints the output of every device started
               and kills them all (by pid), so no test leaves a process behind.

Failures raise Fail (check() does it); main() turns that into exit status 1.
"""
import json
import os
import pty
import pwd
import re
import socket
import ssl
import hashlib
import subprocess
import sys
import tempfile
import struct
import threading
import time
import zlib

TOKEN_RE = rb"device token \(shown once; later: `http token`\): ([0-9a-f]+)"
NETWORK_RE = rb"\[(?: ok |FAIL)\] network[^\n]*\n"


class Fail(Exception):
    """A check that did not hold; main() reports it with the devices' output."""


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def fail(msg):
    raise Fail(msg)


DEVICES = []  # every Device started, so main() can report and kill them all
MEDIA = []  # every Medium (akira-radio) started, killed by main() like the devices
BROKERS = []  # every Mosquitto started, killed by main() like the devices
PIPED = []  # (command, output) of every run_piped, so main() can show the last one


# --- expect on any file descriptor ---------------------------------------------------


class Stream:
    """Collects what arrives on fd in a reader thread; expect() waits for a pattern.

    Works on any readable fd (pipe, pty master, socket, QEMU's serial chardev). A pty
    reports the far end closing as EIO: that is end of stream like a read of 0 bytes.
    write_fd, when given, is where send() writes (the same fd for a pty or a socket).
    """

    def __init__(self, fd, write_fd=None, name="stream"):
        self.fd, self.write_fd, self.name = fd, write_fd, name
        self.buf = b""
        self.mark = 0
        self.eof = False
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._reader, daemon=True)
        self.thread.start()

    def _reader(self):
        while True:
            try:
                b = os.read(self.fd, 65536)
            except OSError:
                b = b""
            with self.cond:
                if not b:
                    self.eof = True
                    self.cond.notify_all()
                    return
                self.buf += b
                self.cond.notify_all()

    def text(self):
        with self.cond:
            return self.buf.decode(errors="replace")

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        os.write(self.write_fd if self.write_fd is not None else self.fd, data)

    def expect(self, pattern, timeout=10.0, since=None, regex=False):
        """Waits until pattern appears after the mark (or after byte offset since) and
        moves the mark past it. pattern: str/bytes text, or a regex when regex=True or
        when it is a compiled pattern. Returns the matched text (str) or, for a regex
        with a group, the first group. Fails on timeout or end of stream."""
        if isinstance(pattern, str):
            pattern = pattern.encode()
        if isinstance(pattern, bytes):
            pattern = re.compile(pattern if regex else re.escape(pattern))
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                start = self.mark if since is None else since
                m = pattern.search(self.buf, start)
                if m:
                    self.mark = m.end()
                    g = m.group(1) if pattern.groups else m.group(0)
                    return g.decode(errors="replace")
                left = end - time.monotonic()
                if self.eof:
                    raise Fail(f"{self.name} ended while waiting for {pattern.pattern!r}")
                if left <= 0:
                    raise Fail(f"{self.name}: timed out ({timeout} s) waiting for "
                               f"{pattern.pattern!r}")
                self.cond.wait(min(left, 0.5))

    def wait_eof(self, timeout=10.0):
        end = time.monotonic() + timeout
        with self.cond:
            while not self.eof and time.monotonic() < end:
                self.cond.wait(0.1)
        return self.eof


# --- ports and processes -------------------------------------------------------------


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def terminate(p):
    """SIGTERM, up to 10 s to exit, then SIGKILL (a helper process started by a test)."""
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(10)


def sanitizer_report(out):
    return "runtime error" in out or "AddressSanitizer" in out or "LeakSanitizer" in out


def run_piped(binary, script, args=(), timeout=20):
    """Runs binary with script on stdin; returns (status, output, seconds)."""
    t0 = time.monotonic()
    p = subprocess.run([binary, *args], input=script.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    out = p.stdout.decode(errors="replace")
    PIPED.append(([binary, *args], out))
    return p.returncode, out, time.monotonic() - t0


def pack_app(akira, src, out, manifest=None, flags=()):
    """A package of a built .wasm made with `akira pack` (the CLI at path akira): the
    manifest from a dict (key: value lines) or from the flags (--name, --caps, ...).
    Returns out."""
    cmd = [akira, "pack", src, "-o", out, *flags]
    if manifest is not None:
        mf = out + ".manifest"
        with open(mf, "w") as f:
            f.writelines(f"{k}: {v}\n" for k, v in manifest.items())
        cmd += ["--manifest", mf]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, f"akira pack {out}: {p.stdout}{p.stderr}")
    return out


class Device:
    """A booted akiraos.

    flash: the image file (None: the binary's default, no image); boot: a list of
    akira-boot's own arguments (e.g. ["--image", IMG]) when binary is akira-boot, which
    then boots the firmware from the flash's primary slot (reboots keep the pid);
    http/shell: True for
    a free port, a number for that port, False for none asked; tty: console on a
    pseudo-terminal instead of a pipe; wait_boot: the line awaited before returning
    ("network" when a port was asked, else "boot complete"; None: do not wait).
    """

    def __init__(self, binary, flash=None, http=True, shell=False, args=(), tty=False,
                 wait_boot="auto", token=None, boot=(), https=False, shell_tls=False):
        self.binary, self.flash, self.tty = binary, flash, tty
        self.http = self.shell = self.https = self.shell_tls = None
        for _ in range(5):
            cmd = [binary] + list(boot)
            if flash:
                cmd += ["--flash", flash]
            if https:  # TLS services (docs/tls.md): a free port for True
                self.https = free_port() if https is True else https
                cmd += ["--https-port", str(self.https)]
            if shell_tls:
                self.shell_tls = free_port() if shell_tls is True else shell_tls
                cmd += ["--shell-tls-port", str(self.shell_tls)]
            if http:
                self.http = free_port() if http is True else http
                cmd += ["--http-port", str(self.http)]
            if shell:
                self.shell = free_port() if shell is True else shell
                cmd += ["--shell-port", str(self.shell)]
            cmd += list(args)
            self._start(cmd)
            if wait_boot == "auto":
                if not (http or shell or https or shell_tls):
                    self.expect("boot complete", 15)
                    break
                line = self.expect(NETWORK_RE, 15, regex=True)
                if "[ ok ]" in line:
                    break
                self.poweroff()  # a port was taken meanwhile: new ports, new boot
            else:
                if wait_boot:
                    self.expect(wait_boot, 15)
                break
        else:
            raise Fail("could not boot with free ports")
        m = re.search(TOKEN_RE, self.con.buf)
        self.first_token = m.group(1).decode() if m else None
        self.token = token or self.first_token

    def _start(self, cmd):
        if self.tty:
            self.master, self.slave = pty.openpty()
            self.p = subprocess.Popen(cmd, stdin=self.slave, stdout=self.slave,
                                      stderr=self.slave, close_fds=True)
            self.con = Stream(self.master, name="console")
        else:
            self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT)
            self.con = Stream(self.p.stdout.fileno(), self.p.stdin.fileno(), name="console")
        DEVICES.append(self)

    # console
    def output(self):
        return self.con.text()

    def expect(self, pattern, timeout=10.0, since=None, regex=False):
        return self.con.expect(pattern, timeout, since, regex)

    def wait_for(self, pattern, timeout=10.0):
        """Waits until the regex pattern appears anywhere in the output so far."""
        return self.con.expect(pattern, timeout, since=0, regex=True)

    def send(self, text):
        try:
            self.con.send(text)
        except (BrokenPipeError, OSError):
            pass  # the device went away: the next expect says so

    def console(self, line):
        self.send(line + ("\r" if self.tty else "\n"))

    def command(self, line, expect, timeout=10.0):
        """Types line on the console and waits for expect in what follows."""
        self.console(line)
        return self.expect(expect, timeout)

    def http_token(self):
        """The token as `http token` prints it on the console."""
        self.console("http token")
        return self.expect(rb"(?m)^([0-9a-f]{32})\r?$", 5, regex=True)

    # lifetime
    def wait(self, timeout=15.0):
        """Waits for the process to exit; returns its status (kills it on timeout)."""
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Fail(f"the device did not exit within {timeout} s")
        if not self.tty:  # the pty's slave end stays open here: no end of stream
            self.con.wait_eof(2)
        return rc

    def poweroff(self, timeout=20.0):
        if self.p.poll() is None:
            self.console("poweroff")
        return self.wait(timeout)

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait(10)

    def finish(self):
        """Powers off and checks a clean exit: status 0 and no sanitizer report."""
        rc = self.poweroff()
        check(not sanitizer_report(self.output()), "sanitizer report")
        check(rc == 0, f"exit status {rc}")

    def shell_session(self, timeout=10):
        """A connection to the network shell (not yet logged in)."""
        return NetShell(self.shell, timeout)

    # HTTP
    def connect(self, timeout=10):
        return connect(self.http, timeout)

    def request(self, method, path, body=None, token=None, headers=None, raw_body=None,
                source=None):
        return request(self.http, method, path, body, token, headers, raw_body,
                       source=source)

    # HTTPS (docs/tls.md)
    def fingerprint(self):
        """The certificate's SHA-256 as `http tls` prints it (lower-case hex, no colons)."""
        self.console("http tls")
        fp = self.expect(rb"fingerprint ([0-9A-F:]{95})", 5, regex=True)
        return re.search(r"([0-9A-F:]{95})", fp).group(1).replace(":", "").lower()

    def tls_connect(self, pin=None, timeout=10):
        return TlsSock(self.https, timeout, pin)

    def https_request(self, method, path, body=None, token=None, headers=None, pin=None):
        return request(self.https, method, path, body, token, headers, tls_pin=pin or "any")

    def call(self, method, path, body=None, token=None, headers=None, raw_body=None):
        """request() with the body parsed as JSON when it is JSON: (status, body)."""
        st, _, b = self.request(method, path, body, token, headers, raw_body)
        try:
            return st, json.loads(b.decode())
        except ValueError:
            return st, b


class _ShellSession:
    """What a network shell session does on top of its expect (plain or TLS)."""

    def send(self, data):
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def login(self, token):
        self.expect("token: ")
        self.send(token + "\r\n")
        self.expect("ok:")


class NetShell(_ShellSession):
    """A network shell session: a socket driven with the same expect as the console."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.settimeout(None)  # blocking: the Stream's reader thread reads the fd
        self.io = Stream(self.sock.fileno(), name="network shell")

    def expect(self, pattern, timeout=10.0, regex=False):
        return self.io.expect(pattern, timeout, regex=regex)

    def closed_by_peer(self, timeout=10.0):
        return self.io.wait_eof(timeout)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class TlsShell(_ShellSession):
    """A network shell session over TLS (--shell-tls-port). Read in the caller's thread
    (an ssl socket is not shared between a reader thread and a writer): expect() reads
    until the pattern or the timeout."""

    def __init__(self, port, pin="any", timeout=10):
        self.sock = TlsSock(port, timeout, pin)
        self.buf, self.mark, self.eof = b"", 0, False

    def _more(self, left):
        self.sock.settimeout(max(0.05, min(left, 0.5)))
        try:
            b = self.sock.recv(65536)
        except (socket.timeout, TimeoutError):
            return
        except (ssl.SSLError, OSError):
            b = b""
        if not b:
            self.eof = True
        self.buf += b

    def expect(self, pattern, timeout=10.0, regex=False):
        if isinstance(pattern, str):
            pattern = pattern.encode()
        pat = re.compile(pattern if regex else re.escape(pattern))
        end = time.monotonic() + timeout
        while True:
            m = pat.search(self.buf, self.mark)
            if m:
                self.mark = m.end()
                return (m.group(1) if pat.groups else m.group(0)).decode(errors="replace")
            left = end - time.monotonic()
            if self.eof or left <= 0:
                raise Fail(f"TLS shell: {'ended' if self.eof else 'timed out'} waiting for "
                           f"{pat.pattern!r}; got {self.buf[self.mark:][-300:]!r}")
            self._more(left)

    def close(self):
        self.sock.close()


# --- HTTP on raw sockets -------------------------------------------------------------


class Sock(socket.socket):
    """A client socket that keeps the bytes read past one response (pipelining)."""
    pending = b""


class TlsSock:
    """A TLS connection to 127.0.0.1:port with a socket's recv/sendall, so read_response
    and the Stream work on it. The device's certificate is self-signed: it is checked by
    its SHA-256 fingerprint (pin: lower-case hex; "any": not checked, the fingerprint is
    kept in .fingerprint). A wrong pin raises Fail after the handshake; a handshake the
    device refuses raises ssl.SSLError."""

    def __init__(self, port, timeout=10, pin=None, source=None):
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.settimeout(timeout)
        if source:
            raw.bind((source, 0))
        raw.connect(("127.0.0.1", port))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        try:
            self.s = ctx.wrap_socket(raw)
        except Exception:
            raw.close()
            raise
        self.pending = b""
        self.fingerprint = hashlib.sha256(self.s.getpeercert(True)).hexdigest()
        if pin and pin != "any" and pin != self.fingerprint:
            self.close()
            raise Fail(f"certificate fingerprint {self.fingerprint} is not the pinned {pin}")

    def recv(self, n=65536):
        return self.s.recv(n)

    def sendall(self, data):
        return self.s.sendall(data)

    def settimeout(self, t):
        self.s.settimeout(t)

    def fileno(self):
        return self.s.fileno()

    def cipher(self):
        return self.s.cipher()

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


def connect(port, timeout=10, source=None):
    """A connection to 127.0.0.1:port; source: another loopback address to come from
    (all of 127.0.0.0/8 is loopback on Linux), to look like another client."""
    s = Sock(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def _recv(s, n=65536):
    try:
        return s.recv(n)
    except ConnectionResetError:
        return b""


def read_response(s, pending=None):
    """Reads one response (Content-Length, chunked, or up to the close); returns
    (status, headers with lower-case names, body bytes)."""
    if pending is None:
        pending, s.pending = getattr(s, "pending", b""), b""
    data = pending
    while b"\r\n\r\n" not in data:
        b = _recv(s)
        if not b:
            raise ConnectionError(f"closed before a response head ({data[:200]!r})")
        data += b
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for l in lines[1:]:
        k, v = l.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        n = int(headers["content-length"])
        while len(rest) < n:
            b = _recv(s)
            if not b:
                raise ConnectionError("closed in the body")
            rest += b
        body, extra = rest[:n], rest[n:]
    elif headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                b = _recv(s)
                if not b:
                    raise ConnectionError("closed in a chunk size")
                rest += b
            line, rest = rest.split(b"\r\n", 1)
            size = int(line.split(b";")[0], 16)
            while len(rest) < size + 2:
                b = _recv(s)
                if not b:
                    raise ConnectionError("closed in a chunk")
                rest += b
            body += rest[:size]
            rest = rest[size + 2:]
            if size == 0:
                break
        extra = rest
    else:  # no framing: the body ends at the close
        while True:
            b = _recv(s)
            if not b:
                break
            rest += b
        body, extra = rest, b""
    if isinstance(s, (Sock, TlsSock)):
        s.pending = extra
    return status, headers, body


def request(port, method, path, body=None, token=None, headers=None, raw_body=None,
            timeout=15, source=None, tls_pin=None):
    """One request on its own connection (Connection: close unless headers say
    otherwise). A server that answers before reading the whole body (413, 401) may
    reset the upload: the answer already sent is still read. tls_pin: HTTPS, the
    certificate's fingerprint checked against it ("any": not checked; see TlsSock)."""
    s = TlsSock(port, timeout, tls_pin, source) if tls_pin else connect(port, timeout, source)
    hdrs = dict(headers or {})
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    if body is not None:
        hdrs["Content-Length"] = str(len(body))
    hdrs.setdefault("Connection", "close")
    raw = f"{method} {path} HTTP/1.1\r\nHost: d\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
    try:
        s.sendall(raw.encode() + (body if body is not None else raw_body or b""))
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        return read_response(s)
    finally:
        s.close()


def jbody(b):
    return json.loads(b.decode())


def drip(socks, data, period):
    """Sends data on every socket every period seconds in a thread (slow clients);
    returns a function that stops it."""
    stop = threading.Event()

    def run():
        while not stop.is_set():
            for s in socks:
                try:
                    s.sendall(data)
                except OSError:
                    pass
            time.sleep(period)

    t = threading.Thread(target=run, daemon=True)
    t.start()

    def halt():
        stop.set()
        t.join(5)
    return halt


def closed_by_peer(s, timeout=15):
    """True when the server closes s (EOF or reset) within timeout."""
    s.settimeout(timeout)
    try:
        while True:
            if not s.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


# --- PNG (display snapshots, golden images) -----------------------------------------


def png_decode(data):
    """An 8-bit RGB or RGBA PNG (not interlaced) as (width, height, rows), each row
    bytes of R, G, B per pixel (alpha dropped). Raises Fail on anything else."""
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG")
    pos, idat, w = 8, b"", None
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        check(zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0],
              f"PNG chunk {kind!r}: bad CRC")
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            check(depth == 8 and ctype in (2, 6) and not interlace, "PNG: not 8-bit RGB(A)")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + n
    check(w is not None, "PNG without IHDR")
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        rows.append(bytes(line) if bpp == 3 else bytes(v for i, v in enumerate(line) if i % 4 != 3))
    return w, h, rows


def png_read(path):
    with open(path, "rb") as f:
        return png_decode(f.read())


def png_compare(got, golden_path, max_mean=2.0, max_bad=0.005):
    """Checks a snapshot (PNG bytes) against a golden image with a small tolerance: the
    mean channel difference at most max_mean and at most max_bad of the pixels off by
    more than 48 in some channel. Raises Fail naming both files (the snapshot is kept
    in the working directory, the test's build folder, as NAME.actual.png for review)."""
    w, h, rows = png_decode(got)
    actual = os.path.join(os.getcwd(), os.path.basename(golden_path)[:-4] + ".actual.png")
    if not os.path.exists(golden_path):
        with open(actual, "wb") as f:
            f.write(got)
        fail(f"no golden image {golden_path}: review {actual} and copy it there")
    gw, gh, grows = png_read(golden_path)
    bad = total = 0
    if (w, h) == (gw, gh):
        for r, g in zip(rows, grows):
            for i in range(0, len(r), 3):
                d = max(abs(r[i] - g[i]), abs(r[i + 1] - g[i + 1]), abs(r[i + 2] - g[i + 2]))
                total += abs(r[i] - g[i]) + abs(r[i + 1] - g[i + 1]) + abs(r[i + 2] - g[i + 2])
                bad += d > 48
    mean = total / (3.0 * w * h) if (w, h) == (gw, gh) else 255.0
    if (w, h) != (gw, gh) or mean > max_mean or bad > max_bad * w * h:
        with open(actual, "wb") as f:
            f.write(got)
        fail(f"{golden_path}: snapshot differs ({w}x{h} vs {gw}x{gh}, mean {mean:.2f}, "
             f"{bad} pixels off); see {actual}")


# --- the radio medium ----------------------------------------------------------------


class Medium:
    """akira-radio (docs/ble.md) on a Unix socket in dirname; nodes join with
    Device(..., args=medium.args(x, y)). ctl() sends one control command (loss P,
    pos NODE X Y, nodes, stats) and returns the answer. Killed by pid by main()."""

    def __init__(self, binary, dirname, seed=1, loss=0.0, exponent=3.0, pcap=None):
        self.sock = os.path.join(dirname, "radio.sock")
        self.binary = binary
        cmd = [binary, "--seed", str(seed), "--loss", str(loss), "--exponent", str(exponent)]
        if pcap:
            cmd += ["--pcap", pcap]
        self.p = subprocess.Popen(cmd + [self.sock], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.out = Stream(self.p.stdout.fileno(), name="akira-radio")
        MEDIA.append(self)
        self.out.expect("listening on", 10)

    def args(self, x=0.0, y=0.0, node=None, tx_power=None):
        a = ["--radio", self.sock, "--radio-pos", f"{x},{y}"]
        if node is not None:
            a += ["--radio-node", str(node)]
        if tx_power is not None:
            a += ["--radio-tx-power", str(tx_power)]
        return a

    def ctl(self, *words):
        r = subprocess.run([self.binary, "ctl", self.sock] + [str(w) for w in words],
                           capture_output=True, timeout=10)
        return r.stdout.decode()

    def stop(self):
        """Ends the broker (SIGTERM) and checks it had no sanitizer report."""
        terminate(self.p)
        self.out.wait_eof(2)
        check(not sanitizer_report(self.out.text()), "akira-radio: sanitizer report")


def ble_addr(node):
    """The static random address of a node on the medium (C0:00:00:00:00:NN)."""
    return "C0:00:00:00:00:%02X" % node


def bt_connect(d, node):
    """`bt connect` to a node on the medium: the connection handle."""
    d.console(f"bt connect {ble_addr(node)}")
    out = d.expect(rb"((?:connected: conn \d+|no connection)[^\n]*)\n", 15, regex=True)
    check(out.startswith("connected"), f"no connection to {ble_addr(node)}: {out}")
    return int(re.search(r"conn (\d+)", out).group(1))


def gatt_services(d, conn):
    """`gatt services CONN`: the peer's services as (start, end, uuid) hex strings."""
    mark = len(d.con.buf)
    d.console(f"gatt services {conn}")
    d.expect(rb"\d+ service\(s\)\n", 15, since=mark, regex=True)
    text = d.con.buf[mark:].decode(errors="replace")
    return re.findall(r"0x([0-9a-f]{4})-0x([0-9a-f]{4}) ([0-9a-f-]+)", text)


def hid_keys(d):
    """`hid keys`: the key events the HID host took since the last call, as
    (code hex, "down"|"up")."""
    mark = len(d.con.buf)
    d.console("hid keys")
    d.expect(rb"\d+ key event\(s\)", 5, since=mark, regex=True)
    return re.findall(r"key 0x([0-9a-f]{2}) (down|up)", d.con.buf[mark:].decode())
# --- MQTT: a mosquitto broker and a small client ------------------------------------


class Mosquitto:
    """Debian's mosquitto on 127.0.0.1:<free port> with a config in dirname
    (allow_anonymous, persistence in dirname so a restart keeps retained messages and
    persistent sessions). stop()/start() restart it on the same port; kill() is SIGKILL.
    Killed by pid by main()."""

    def __init__(self, dirname, binary="mosquitto", tls=None):
        """tls: (certfile, keyfile) for a second listener, TLS, on self.tls_port."""
        self.dir, self.binary, self.p = dirname, binary, None
        self.port = free_port()
        self.tls_port = free_port() if tls else None
        self.conf = os.path.join(dirname, "mosquitto.conf")
        self.logfile = os.path.join(dirname, "mosquitto.log")
        with open(self.conf, "w") as f:
            # user: run as whoever runs the test (as root mosquitto would drop to its
            # own user, which cannot write the temp dir).
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\n"
                    f"user {pwd.getpwuid(os.getuid()).pw_name}\n"
                    f"persistence true\npersistence_location {dirname}/\n"
                    f"log_dest file {self.logfile}\nlog_type all\n"
                    "max_queued_messages 1000\n")
            if tls:
                f.write(f"listener {self.tls_port} 127.0.0.1\ncertfile {tls[0]}\n"
                        f"keyfile {tls[1]}\n")
        BROKERS.append(self)
        self.start()

    @property
    def addr(self):
        return f"127.0.0.1:{self.port}"

    def start(self, timeout=10.0):
        self.p = subprocess.Popen([self.binary, "-c", self.conf], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return
            except OSError:
                check(self.p.poll() is None, f"mosquitto exited: {self.log()[-2000:]}")
                time.sleep(0.05)
        fail("mosquitto did not listen in time")

    def stop(self):
        """SIGTERM (mosquitto saves its persistence file) and wait."""
        if self.p:
            terminate(self.p)

    def log(self):
        try:
            with open(self.logfile, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


class MqttClient:
    """MQTT 3.1.1 on a plain socket: connect, subscribe, publish (QoS 0/1), and the
    received messages (topic, payload bytes, retained) collected by a reader thread;
    wait() finds one. QoS 1 messages are acknowledged."""

    def __init__(self, port, client_id, clean=True, keepalive=60, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout)
        self.msgs, self.acks, self.cond = [], set(), threading.Condition()
        self.next_id, self.closed = 0, False
        cid = client_id.encode()
        body = (self._s(b"MQTT") + bytes([4, 0x02 if clean else 0]) +
                struct.pack(">H", keepalive) + self._s(cid))
        self._send(0x10, body)
        head = self._read_packet()
        check(head and head[0] >> 4 == 2 and head[2] == 0, f"CONNACK refused: {head!r}")
        self.session_present = bool(head[1] & 1)
        self.thread = threading.Thread(target=self._reader, daemon=True)
        self.thread.start()

    @staticmethod
    def _s(b):
        return struct.pack(">H", len(b)) + b

    @staticmethod
    def _remlen(n):
        out = b""
        while True:
            b, n = n % 128, n // 128
            out += bytes([b | (0x80 if n else 0)])
            if not n:
                return out

    def _send(self, first, body):
        self.sock.sendall(bytes([first]) + self._remlen(len(body)) + body)

    def _recvn(self, n):
        data = b""
        while len(data) < n:
            b = self.sock.recv(n - len(data))
            if not b:
                return None
            data += b
        return data

    def _read_packet(self):
        """(first byte, body) as bytes first+body, or None at the close."""
        first = self._recvn(1)
        if not first:
            return None
        mult, n = 1, 0
        while True:
            b = self._recvn(1)
            if not b:
                return None
            n += (b[0] & 0x7F) * mult
            mult *= 128
            if not b[0] & 0x80:
                break
        body = self._recvn(n) if n else b""
        return None if body is None else first + body

    def _reader(self):
        self.sock.settimeout(None)
        while True:
            try:
                pkt = self._read_packet()
            except OSError:
                pkt = None
            if pkt is None:
                with self.cond:
                    self.closed = True
                    self.cond.notify_all()
                return
            t, flags, body = pkt[0] >> 4, pkt[0] & 15, pkt[1:]
            if t == 3:
                tl = struct.unpack(">H", body[:2])[0]
                topic = body[2:2 + tl].decode()
                rest = body[2 + tl:]
                qos = (flags >> 1) & 3
                if qos:
                    pid, rest = rest[:2], rest[2:]
                    self._send(0x40, pid)
                with self.cond:
                    self.msgs.append((topic, rest, bool(flags & 1)))
                    self.cond.notify_all()
            elif t in (4, 9, 11):
                with self.cond:
                    self.acks.add(struct.unpack(">H", body[:2])[0])
                    self.cond.notify_all()

    def _id(self):
        self.next_id = self.next_id % 65535 + 1
        return self.next_id

    def _wait_ack(self, pid, timeout):
        end = time.monotonic() + timeout
        with self.cond:
            while pid not in self.acks:
                check(time.monotonic() < end and not self.closed, f"no ack for packet {pid}")
                self.cond.wait(0.2)

    def subscribe(self, filt, qos=1, timeout=10):
        pid = self._id()
        self._send(0x82, struct.pack(">H", pid) + self._s(filt.encode()) + bytes([qos]))
        self._wait_ack(pid, timeout)

    def publish(self, topic, payload, qos=1, retain=False, timeout=10):
        if isinstance(payload, str):
            payload = payload.encode()
        pid = self._id() if qos else 0
        body = self._s(topic.encode()) + (struct.pack(">H", pid) if qos else b"") + payload
        self._send(0x30 | qos << 1 | (1 if retain else 0), body)
        if qos:
            self._wait_ack(pid, timeout)

    def wait(self, topic_re, pred=None, timeout=15.0, since=0):
        """The first message at index >= since whose topic matches the regex topic_re
        (and pred(payload bytes, retained) when given): (index, topic, payload, retained)."""
        rx = re.compile(topic_re)
        end = time.monotonic() + timeout
        with self.cond:
            i = since
            while True:
                while i < len(self.msgs):
                    t, p, r = self.msgs[i]
                    if rx.fullmatch(t) and (pred is None or pred(p, r)):
                        return i, t, p, r
                    i += 1
                left = end - time.monotonic()
                if left <= 0:
                    seen = [(t, p[:120]) for t, p, _ in self.msgs[since:]][-8:]
                    fail(f"no MQTT message on {topic_re!r} in {timeout} s (last: {seen})")
                self.cond.wait(min(left, 0.5))

    def count(self):
        with self.cond:
            return len(self.msgs)

    def close(self):
        try:
            self._send(0xE0, b"")
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


# --- running a scenario --------------------------------------------------------------


def main(scenarios, name, *args):
    """Runs scenarios[name](*args). On a Fail (or any exception) prints the message and
    the tail of every device's output, kills every device still running, exits 1."""
    if name not in scenarios:
        sys.exit(f"unknown scenario {name!r}; one of {', '.join(scenarios)}")
    try:
        scenarios[name](*args)
    except BaseException as e:  # noqa: a failing test must never leave a device behind
        sys.stderr.write(f"FAIL: {e if isinstance(e, Fail) else repr(e)}\n")
        if PIPED:
            cmd, out = PIPED[-1]
            sys.stderr.write(f"--- output of the last piped run ({' '.join(cmd)}) ---\n"
                             f"{out[-6000:]}\n")
        for d in DEVICES:
            sys.stderr.write(f"--- device output ({' '.join(d.p.args)}) ---\n"
                             f"{d.output()[-6000:]}\n")
        for b in BROKERS:
            sys.stderr.write(f"--- mosquitto log ---\n{b.log()[-3000:]}\n")
        for d in DEVICES + MEDIA + BROKERS:
            if d.p and d.p.poll() is None:
                d.p.kill()
        sys.exit(1)
    for d in DEVICES + MEDIA + BROKERS:  # a scenario that forgot one: still no process left behind
        if d.p and d.p.poll() is None:
            d.p.kill()
            d.p.wait(10)
    print(f"{name}: ok")


def state_is(d, name, state, timeout=10.0):
    """Polls `app info NAME` until it shows the state (a regex, e.g.
    `failed\\(trap\\): ...`); fails after timeout seconds."""
    end = time.time() + timeout
    while True:
        mark = len(d.con.buf)
        d.console("app info " + name)
        sync(d)
        if re.search(rb"state: +" + state.encode(), d.con.buf[mark:]):
            return
        check(time.time() < end, f"{name}: state {state!r} not reached in {timeout} s")
        time.sleep(0.2)


def tempdir():
    return tempfile.TemporaryDirectory(prefix="akira-e2e.")


# Console helpers of the display tests (tests/runtime/test_display_e2e.py,
# test_compat_e2e.py): a booted Device driven through its shell.
def snapshot(d, tmp, name):
    """The panel as PNG bytes, through the shell's `display snapshot`."""
    path = os.path.join(tmp, name + ".png")
    d.command("display snapshot " + path, "snapshot: " + path)
    with open(path, "rb") as f:
        return f.read()


def sync(d):
    """Waits until every command typed so far has run (the console answers in order)."""
    mark = len(d.con.buf)
    d.console("version")
    d.expect("AkiraOS", 5, since=mark)
    return mark


def settle(d, ms=300):
    """Lets the screen thread route what was injected and the app redraw."""
    d.console("sleep %d" % ms)
    sync(d)


def focus_is(d, what, timeout=5.0):
    """Waits until `app focus` names `what` as the display's owner."""
    end = time.time() + timeout
    while True:
        mark = len(d.con.buf)
        d.console("app focus")
        line = d.expect(rb"display: [^\r\n]*", 5, since=mark, regex=True)
        if what in line:
            return
        check(time.time() < end, f"display owner: wanted {what!r}, have {line!r}")
        time.sleep(0.1)


def sensor_read(d, name="bme280"):
    """One `sensor read NAME` through the shell: {channel: value} (for the BME280:
    ambient_temp in C, press in kPa, humidity in %)."""
    mark = len(d.con.buf)
    d.console(f"sensor read {name}")
    sync(d)
    vals = {}
    for line in d.con.buf[mark:].decode(errors="replace").splitlines():
        parts = line.split()
        if len(parts) >= 2 and re.fullmatch(r"[a-z_]+", parts[0]):
            try:
                vals[parts[0]] = float(parts[1])
            except ValueError:
                pass
    return vals


def app_logs(d, app, pattern, timeout=10.0):
    """Waits until the app's log has a line matching pattern; returns the match."""
    end = time.time() + timeout
    while True:
        mark = len(d.con.buf)
        d.console("app logs " + app)
        sync(d)
        m = re.search(pattern, d.con.buf[mark:].decode(errors="replace"))
        if m:
            return m
        check(time.time() < end, f"{app}: no log line like {pattern!r}")
        time.sleep(0.2)
