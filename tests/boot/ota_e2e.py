"""Firmware updates end to end through akira-boot (docs/boot.md), on the shared harness.

    ota_e2e.py SCENARIO AKIRA_BOOT AKIRA AKIRAOS_IMG DEV_KEY STRIPPED NEVER HANG

AKIRA_BOOT boots the firmware from the flash's primary slot; AKIRA is the host tool;
AKIRAOS_IMG the build's signed firmware (0.1.0+0); DEV_KEY the build's development key;
STRIPPED the firmware binary the image was made from; NEVER and HANG the test builds
whose self-test fails or hangs. Every scenario starts from an empty flash file.
"""
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "harness"))
import akira_device as ad  # noqa: E402

check = ad.check


class Env:
    def __init__(self, boot, akira, img, key, stripped, never, hang):
        self.boot, self.akira, self.img, self.key = boot, akira, img, key
        self.stripped, self.never, self.hang = stripped, never, hang
        self.tmp = ad.tempdir()
        self.dir = self.tmp.name
        self.flash = os.path.join(self.dir, "flash.img")

    def path(self, name):
        return os.path.join(self.dir, name)

    def sign(self, payload, version, out, key=None, extra=()):
        r = subprocess.run([self.akira, "image", "sign", "--key", key or self.key,
                            "--version", version, *extra, payload, self.path(out)],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 0, f"sign failed: {r.stderr}")
        return self.path(out)

    def strip(self, binary, out):
        subprocess.run(["strip", "-o", self.path(out), binary], check=True, timeout=30)
        return self.path(out)

    def device(self, extra_boot=(), wait_boot="auto"):
        return ad.Device(self.boot, flash=self.flash, boot=["--image", self.img, *extra_boot],
                         wait_boot=wait_boot)

    def cli(self, dev, *args, timeout=90):
        cfg = self.path("devices")
        env = dict(os.environ, AKIRA_CONFIG=cfg)
        if not os.path.exists(cfg):
            subprocess.run([self.akira, "device", "add", "dut", f"http://127.0.0.1:{dev.http}",
                            dev.token], env=env, check=True, capture_output=True, timeout=10)
        return subprocess.run([self.akira, *args], env=env, capture_output=True, text=True,
                              timeout=timeout)


def ota(dev):
    st, b = dev.call("GET", "/api/ota")
    check(st == 200, f"GET /api/ota: {st} {b}")
    return b


def data_written(dev):
    dev.console("settings set akira/test/keep 4242")
    dev.console("fs write /keep.txt survives-the-update")
    data_intact(dev)


def data_intact(dev):
    dev.command("settings get akira/test/keep", "4242")
    dev.command("fs cat /keep.txt", "survives-the-update")


def upgrade_confirm(env):
    """`akira ota push` of a newer build: test boot, self-test, confirmed; data kept."""
    new = env.sign(env.stripped, "0.1.1+0", "new.img")
    d = env.device()
    d.expect("akira-boot: flashed", since=0)
    d.expect("firmware 0.1.0+0, confirmed", since=0)
    data_written(d)
    t0 = time.monotonic()
    r = env.cli(d, "ota", "push", new)
    check(r.returncode == 0, f"ota push: {r.stdout} {r.stderr}")
    check("0.1.1+0 confirmed itself" in r.stdout, r.stdout)
    print(f"reboot to confirmed: {time.monotonic() - t0:.2f} s (push included)")
    d.expect("akira-boot: boot: test swap of")
    d.expect("self-test passed")
    b = ota(d)
    check(b["primary"]["version"] == "0.1.1+0" and b["primary"]["confirmed"], b)
    check(b["secondary"]["version"] == "0.1.0+0" and not b["secondary"]["pending"], b)
    data_intact(d)
    # A reboot keeps the confirmed image.
    d.command("reboot", "firmware 0.1.1+0, confirmed", timeout=20)
    d.finish()


def never_confirms(env, build, fault):
    """A build that never confirms (its self-test fails, or it hangs): back on the old
    version by itself."""
    bad = env.sign(env.strip(build, "fault.elf"), "0.2.0+0", "bad.img")
    d = env.device()
    d.expect("firmware 0.1.0+0, confirmed", since=0)
    data_written(d)
    r = env.cli(d, "ota", "push", bad)
    check(r.returncode == 1 and "was reverted" in r.stderr, f"{r.stdout} {r.stderr}")
    d.expect("firmware 0.2.0+0, TEST boot")
    if fault == "hang":
        d.expect("hardware watchdog expired", 20)
    else:
        d.expect("self-test of the new firmware failed")
    d.expect("akira-boot: boot: revert swap", 20)
    d.expect("firmware 0.1.0+0, confirmed", 20)
    b = ota(d)
    check(b["primary"]["version"] == "0.1.0+0" and b["primary"]["confirmed"], b)
    data_intact(d)
    d.finish()


def bad_inputs(env):
    """Each bad upload refused with a clear error; the running firmware untouched."""
    d = env.device()
    d.expect("firmware 0.1.0+0, confirmed", since=0)
    before = ota(d)["primary"]["hash"]
    good = open(env.img, "rb").read()
    older = open(env.sign(env.stripped, "0.0.9+0", "older.img"), "rb").read()
    subprocess.run([env.akira, "keygen", env.path("other")], check=True, capture_output=True)
    unknown = open(env.sign(env.stripped, "0.3.0+0", "unknown.img",
                            key=env.path("other.key")), "rb").read()
    hdr = 0x200
    cases = [
        ("truncated", good[:-100], 422, "truncated"),
        ("wrong magic", b"\x00" + good[1:], 422, "not an MCUboot image"),
        ("bad hash", good[:hdr + 1000] + bytes([good[hdr + 1000] ^ 1]) + good[hdr + 1001:],
         422, "bad hash"),
        ("bad signature", good[:-1] + bytes([good[-1] ^ 1]), 422, "bad signature"),
        ("unknown key", unknown, 422, "unknown key"),
        ("older version", older, 422, "older version 0.0.9+0"),
        ("empty", b"", 400, "empty body"),
    ]
    for name, body, want, text in cases:
        st, b = d.call("POST", "/api/ota", token=d.token, body=body)
        check(st == want and text in json.dumps(b), f"{name}: {st} {b}")
        check(not ota(d)["secondary"].get("pending"), f"{name}: left pending")
    st, b = d.call("POST", "/api/ota", body=good)
    check(st == 401, f"no token: {st} {b}")
    # Too large for the slot: refused from the header, before a byte is written.
    s = d.connect()
    s.sendall(f"POST /api/ota HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {d.token}\r\n"
              f"Content-Length: {2 * 1024 * 1024}\r\n\r\n".encode())
    st, _, b = ad.read_response(s)
    s.close()
    check(st == 413, f"too large: {st} {b}")
    # An upload cut by a dropped connection.
    s = d.connect()
    s.sendall(f"POST /api/ota HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {d.token}\r\n"
              f"Content-Length: {len(good)}\r\n\r\n".encode() + good[:200000])
    time.sleep(0.3)
    s.close()
    for _ in range(50):
        u = ota(d)["upload"]
        if u["state"] == "failed":
            break
        time.sleep(0.2)
    check(u["state"] == "failed" and "upload stopped after" in u.get("error", ""), u)
    b = ota(d)
    check(not b["secondary"].get("pending"), b)
    check(b["primary"]["hash"] == before and b["primary"]["confirmed"], b)
    # Still updates fine afterwards, and the boot after a reboot is the old one.
    d.command("reboot", "firmware 0.1.0+0, confirmed", timeout=20)
    d.command("ota status", "primary   0.1.0+0")
    d.finish()


def powercut(env, torn):
    """Real end-to-end cuts: the power dies inside the swap (at the 40th and the 200th
    flash operation of the bootloader), akira-boot is started again, the swap resumes,
    the new firmware runs, the data is untouched."""
    new = env.sign(env.stripped, "0.1.1+0", "new.img")
    d = env.device()
    d.expect("firmware 0.1.0+0, confirmed", since=0)
    data_written(d)
    st, b = d.call("POST", "/api/ota", token=d.token, body=open(new, "rb").read())
    check(st == 200, f"upload: {st} {b}")
    d.finish()
    for n in (40, 200):
        cut = ad.Device(env.boot, flash=env.flash, http=False,
                        boot=["--cut-after", str(n)] + (["--torn"] if torn else []),
                        wait_boot="akira-boot: power cut")
        check(cut.wait(10) == 4, "akira-boot did not die of the cut")
    d = ad.Device(env.boot, flash=env.flash)
    d.expect("akira-boot: boot: resuming an interrupted test swap", since=0)
    d.expect("firmware 0.1.1+0, TEST boot", since=0)
    d.expect("self-test passed", 15)
    data_intact(d)
    d.finish()


def serial_push(env):
    """The same upload over the serial management link (akira --serial)."""
    new = env.sign(env.stripped, "0.1.1+0", "new.img")
    d = env.device()
    pty = d.expect(rb"serial management link on (\S+)", regex=True, since=0)
    r = subprocess.run([env.akira, "--serial", pty, "--token", d.token, "ota", "push",
                        "--no-reboot", new], capture_output=True, text=True, timeout=120)
    check(r.returncode == 0 and "0.1.1+0 pending" in r.stdout, f"{r.stdout} {r.stderr}")
    b = ota(d)
    check(b["secondary"]["version"] == "0.1.1+0" and b["secondary"]["pending"], b)
    d.command("reboot", "firmware 0.1.1+0, TEST boot", timeout=20)
    d.expect("self-test passed", 15)
    d.finish()


def recovery(env):
    """No valid image: the recovery console takes one over the serial line (stdin)."""
    d = env.device()
    d.expect("firmware 0.1.0+0, confirmed", since=0)
    d.finish()
    # Corrupt the primary image's payload in the flash file (image-0 starts at 64 KiB).
    with open(env.flash, "r+b") as f:
        f.seek(0x10000 + 0x1000)
        old = f.read(16)
        f.seek(0x10000 + 0x1000)
        f.write(bytes(b ^ 0x5A for b in old))
    d = ad.Device(env.boot, flash=env.flash, http=False, wait_boot="recovery>")
    check("primary slot: bad hash" in d.output(), "no log line for the erased slot")
    img = open(env.img, "rb").read()
    lines = [f"write {o} {img[o:o + 256].hex()}\n" for o in range(0, len(img), 256)]
    d.send("".join(lines) + "boot\n")
    d.expect("recovery: image ok, booting", 60)
    d.expect("boot complete", 20)
    d.finish()


def dev_reflash(env):
    """`make run` after a rebuild: --image of the same version with other bytes replaces
    the confirmed primary image; an older one does not."""
    d = env.device()
    d.expect("akira-boot: flashed", since=0)
    d.finish()
    with open(env.stripped, "rb") as f:
        rebuilt = f.read() + b"rebuilt"
    with open(env.path("rebuilt.elf"), "wb") as f:
        f.write(rebuilt)
    same = env.sign(env.path("rebuilt.elf"), "0.1.0+0", "same.img")
    old = env.sign(env.path("rebuilt.elf"), "0.0.1+0", "old.img")
    d = ad.Device(env.boot, flash=env.flash, boot=["--image", same])
    d.expect("akira-boot: flashed " + same, since=0)
    d.finish()
    d = ad.Device(env.boot, flash=env.flash, boot=["--image", old])
    check("flashed" not in d.output(), "an older --image replaced the primary image")
    d.finish()


def main():
    name, args = sys.argv[1], sys.argv[2:]
    env = Env(*args)
    scenarios = {
        "upgrade_confirm": lambda: upgrade_confirm(env),
        "never_confirms": lambda: never_confirms(env, env.never, "never"),
        "hang_reverts": lambda: never_confirms(env, env.hang, "hang"),
        "bad_inputs": lambda: bad_inputs(env),
        "powercut": lambda: powercut(env, False),
        "powercut_torn": lambda: powercut(env, True),
        "serial_push": lambda: serial_push(env),
        "recovery": lambda: recovery(env),
        "dev_reflash": lambda: dev_reflash(env),
    }
    ad.main(scenarios, name)


if __name__ == "__main__":
    main()
