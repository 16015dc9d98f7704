"""A real MQTT broker (Debian's mosquitto) for the fleet tests and benchmarks.

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "harness"))
    import akira_device as ad
    import mqtt_broker

    b = mqtt_broker.Broker(tmpdir)      # 127.0.0.1, a free port, persistence in tmpdir
    b.addr                              # "127.0.0.1:PORT"
    b.restart()                         # SIGTERM (it saves its state), then the same port
    b.stop()

The broker is registered with the harness (akira_device.MEDIA), so akira_device.main()
kills it by pid when a scenario fails; stop() ends it with SIGTERM and waits. Loopback
only, a port chosen free at run time (a new one when it was taken meanwhile), every
wait bounded.
"""
import os
import shutil
import socket
import subprocess
import time

import akira_device as ad

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


class Broker:
    """mosquitto on 127.0.0.1 with a temporary config: anonymous clients allowed,
    persistence on (sessions, queued QoS 1 messages and retained messages survive a
    restart), its log in dirname/mosquitto.log."""

    def __init__(self, dirname, port=None, extra_conf=""):
        self.dir = dirname
        self.extra = extra_conf
        self.p = None
        os.makedirs(os.path.join(dirname, "db"), exist_ok=True)
        self.log = os.path.join(dirname, "mosquitto.log")
        for _ in range(5):
            self.port = port or ad.free_port()
            if self._start():
                break
            if port:
                raise ad.Fail(f"mosquitto could not listen on {port}: {self.log_text()[-2000:]}")
        else:
            raise ad.Fail("mosquitto: no free port after 5 tries")
        ad.MEDIA.append(self)

    @property
    def addr(self):
        return f"127.0.0.1:{self.port}"

    def _conf(self):
        path = os.path.join(self.dir, "mosquitto.conf")
        with open(path, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\n"
                    "allow_anonymous true\n"
                    "persistence true\n"
                    f"persistence_location {os.path.join(self.dir, 'db')}/\n"
                    "autosave_interval 1\n"
                    f"log_dest file {self.log}\n"
                    "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
                    "max_queued_messages 10000\n"
                    f"{self.extra}")
        return path

    def _start(self):
        """Starts mosquitto; True once the port accepts connections, False when the
        port was taken (the process has then exited)."""
        self.p = subprocess.Popen([MOSQUITTO, "-c", self._conf()], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + 10
        while time.monotonic() < end:
            if self.p.poll() is not None:
                return False
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return True
            except OSError:
                time.sleep(0.05)
        self.p.kill()
        self.p.wait(10)
        raise ad.Fail(f"mosquitto did not listen within 10 s: {self.log_text()[-2000:]}")

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        """SIGTERM (mosquitto saves its persistence file), bounded wait, then SIGKILL."""
        if self.p and self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(10)

    def restart(self, down_s=0.0):
        """Stops the broker, waits down_s seconds, starts it again on the same port with
        the same persistence (the clients reconnect on their own)."""
        self.stop()
        time.sleep(down_s)
        for _ in range(20):  # the port can linger a moment after the old process
            if self._start():
                return
            time.sleep(0.25)
        raise ad.Fail(f"mosquitto did not come back on port {self.port}")
