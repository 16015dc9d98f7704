#!/usr/bin/env python3
"""proc_time.py OUT N CMD... - runs CMD N times and prints
"median_ms=<t> min_ms=<t> rc=<exit status of the last run>": the user + system CPU time
of each whole process (os.wait4's rusage, microsecond resolution), so the runners that
can only be timed as a process (akira-wasm, wasm3) are charged alike and a loaded
machine does not charge them for time spent descheduled. The last run's stdout and
stderr go to OUT."""
import os
import statistics
import subprocess
import sys


def main():
    out, n, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    times = []
    rc = 0
    for _ in range(n):
        with open(out, "wb") as f:
            p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT)
            _, status, ru = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
        rc = p.returncode
        times.append((ru.ru_utime + ru.ru_stime) * 1e3)
    print("median_ms=%.2f min_ms=%.2f rc=%d" % (statistics.median(times), min(times), rc))


if __name__ == "__main__":
    main()
