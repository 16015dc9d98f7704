"""`akira fleet` driven as a user would, for the fleet tests (test_fleet_e2e.py,
test_fleet_sim.py): each call one process, its output echoed, its exit status checked;
`akira fleet status` read back as rows."""
import re
import subprocess
import time

from akira_device import check


class FleetCli:
    def __init__(self, akira, broker, key):
        self.akira, self.broker, self.key = akira, broker, key

    def run(self, *args, key=None, expect_rc=None, timeout=90):
        """(exit status, stdout+stderr) of `akira fleet --broker B --key K ARGS`."""
        broker = ["--broker", self.broker.addr] if self.broker else []
        r = subprocess.run([self.akira, "fleet", *broker, "--key", key or self.key, *args],
                           capture_output=True, text=True, timeout=timeout)
        out = r.stdout + r.stderr
        print(f"$ akira fleet {' '.join(args)}\n{out}", end="", flush=True)
        if expect_rc is not None:
            check(r.returncode == expect_rc,
                  f"akira fleet {args[0]}: exit {r.returncode}, wanted {expect_rc}:\n{out}")
        return r.returncode, out

    def keygen(self, key=None):
        """Makes a key pair (the fleet's by default); returns the public key in hex."""
        _, out = self.run("keygen", key=key, expect_rc=0)
        return re.search(r"public key: ([0-9a-f]{64})", out).group(1)

    def status(self, expect=None, wait=10):
        """{id: (online, tags, apps)} as `akira fleet status` lists them."""
        args = ["status", "--wait", str(wait)] + (["--expect", str(expect)] if expect else [])
        _, out = self.run(*args)
        rows = {}
        for line in out.splitlines():
            m = re.match(r"^(\S+)\s+(yes|no)\s+(\S+)\s+(\S+)\s*(.*)$", line)
            if m:
                rows[m.group(1)] = (m.group(2) == "yes", m.group(4), m.group(5))
        return rows


def wait_until(pred, what, timeout=30.0):
    """Polls pred until it holds; fails after timeout seconds."""
    end = time.monotonic() + timeout
    while not pred():
        check(time.monotonic() < end, f"{what}: not within {timeout} s")
        time.sleep(0.3)
