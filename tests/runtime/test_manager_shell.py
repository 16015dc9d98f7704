#!/usr/bin/env python3
"""The app manager through the real firmware's shell (build/bin/akiraos).

usage: test_manager_shell.py AKIRAOS AKIRA APP_DIR WORKDIR

Packs test apps with `akira pack`, installs them with `app install`, runs a looping app
until the watchdog ends it while another app keeps running, checks `app info/logs/caps`
and the third-start refusal, then reboots on the same flash image and checks autostart.
"""
import os
import platform
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check, fail  # noqa: E402

AKIRAOS, AKIRA, APPS, WORK = sys.argv[1:5]
FLASH = os.path.join(WORK, "mgr_shell_flash.img")


def pack(src, out, *flags):
    subprocess.run([AKIRA, "pack", os.path.join(APPS, src), "-o", os.path.join(WORK, out),
                    *flags], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(WORK, out)


def run(script, timeout=20):
    rc, out, _ = ad.run_piped(AKIRAOS, script, ["--flash", FLASH], timeout)
    check(rc == 0, f"exit status {rc}")
    return out


def expect(out, *needles):
    for n in needles:
        check(n in out, f"missing {n!r}")


def t_manager_shell():
    os.makedirs(WORK, exist_ok=True)
    if os.path.exists(FLASH):
        os.remove(FLASH)
    resp = pack("responder.wasm", "resp.wasm", "--name", "resp", "--version", "1.0", "--autostart")
    # spin carries native code (docs/aot.md): the watchdog must stop a native loop too.
    native = platform.machine() in ("x86_64", "AMD64")
    spin = pack("spin.wasm", "spin.wasm", "--name", "spin", "--version", "2",
                *(["--aot", "x86_64"] if native else []))
    nocap = pack("nocap.wasm", "nocap.wasm", "--name", "nocap", "--version", "1")
    bad = os.path.join(WORK, "bad.wasm")
    with open(resp, "rb") as f:
        data = f.read()
    with open(bad, "wb") as f:
        f.write(data[: len(data) // 2])  # a truncated upload

    out = run(f"""app install {resp}
app install {spin}
app install {nocap}
app install {bad}
app install /nonexistent/x.wasm
app start resp
app start spin
app start nocap
sleep 2500
app info spin
app tier spin interp
app logs spin
app list
app start nocap
app caps nocap grant timer
app caps nocap revoke memory
sleep 300
app info nocap
app stop nocap
app resume resp
app pause spin
sleep 200
app logs resp
app stop resp
app info resp
poweroff
""")
    expect(out,
           "installed resp 1.0 (", "installed spin 2 (", "installed nocap 1 (",
           "bad.wasm: refused: ",
           "/nonexistent/x.wasm: cannot open",
           "resp: started", "spin: started",
           "app nocap: not started: 2 apps are already running (board limit)",
           "state:       failed(watchdog): ran 2000 ms without waiting",
           "tier:        aot x86_64" if native else "tier:        interp",
           "spin: aot x86_64 (interpreter forced from the next start)" if native
           else "spin: interp (interpreter forced from the next start)",
           "signature:   unsigned",
           "<inf> spinning",
           "nocap: started",
           "nocap: timer (manifest: -)",
           "resp: resume requested", "app spin: not running", "<inf> answer 1",
           "resp: stopped",
           "state:       stopped: stopped")
    # While spin was stuck, resp kept running.
    lines = [l for l in out.splitlines() if l.startswith("resp ")]
    if not lines or "running" not in lines[0]:
        fail("resp was not running in the list")
    if "denied 1" not in out:
        fail("nocap's denied call was not counted")
    # app info shows the app's storage use and flash wear against its limits (issue 21).
    expect(out,
           "storage:     0 of 16 files, 0 of 256 KiB flash; settings 0 of 16 keys, 0 of 2048 bytes",
           "flash wear:  0 KiB (~0 erases) since boot; budget 1024 B/s, burst 262144, holds 262144;"
           " 0 calls refused")

    # Reboot on the same flash: resp autostarts, the others stay installed.
    out = run("sleep 300\napp list\npoweroff\n")
    expect(out, "app manager: 3 apps, 1 autostarted")
    # A clean poweroff, not a crash or a watchdog reset partway.
    if "kernel stopped" not in out or "***" in out or "watchdog" in out.lower():
        fail("unexpected shutdown")
    for l in out.splitlines():
        if l.startswith("resp ") and "running" not in l:
            fail("resp did not autostart")
        if l.startswith("spin ") and "installed" not in l:
            fail("spin did not come back as installed")
    # Issue 21: a paused app shows as paused; an older version is refused unless the
    # owner forces it on the console.
    spin_old = pack("spin.wasm", "spin_old.wasm", "--name", "spin", "--version", "1")
    out = run(f"""sleep 300
app pause resp
app list
app install {spin_old}
app install {spin_old} --rekey
app install {spin_old} --downgrade
app install {spin_old} --sideways
poweroff
""")
    expect(out, "resp: pause requested",
           "refused: version: 1 is older than the installed 2 (owner: --downgrade)",
           "installed spin 1 (", "app install: unknown option --sideways")
    if out.count("is older than the installed 2") != 2:
        fail("--rekey must not allow a downgrade")
    if not [l for l in out.splitlines() if l.startswith("resp ") and "paused" in l]:
        fail("resp not shown as paused")
    # SIGTERM while an app spins: the apps are stopped (the spinning one by interrupt) and
    # the device shuts down cleanly, well within a second.
    dev = ad.Device(AKIRAOS, FLASH, http=False, wait_boot=None)
    dev.send("app start spin\n")
    time.sleep(0.5)
    t0 = time.monotonic()
    dev.p.send_signal(signal.SIGTERM)
    rc = dev.wait(10)
    out = dev.output()
    took = time.monotonic() - t0
    check(rc == 0 and "kernel stopped" in out and took <= 3,
          f"SIGTERM shutdown: status {rc}, {took:.2f} s")
    expect(out, "spin: started", "signal 15")


if __name__ == "__main__":
    ad.main({"manager_shell": t_manager_shell}, "manager_shell")
