#!/usr/bin/env python3
"""The bootloader on mps2_an386 in qemu-system-arm (docs/boot.md, "Cortex-M"): QEMU
starts bin/akira-boot.elf at the reset vector, which validates the firmware in the
primary slot of flash0 (SHA-256, Ed25519 by a built-in key) and jumps to it in place.

usage: test_mps2_boot.py SCENARIO ELF AKIRA KEY FW_BIN NEVER_BIN PROBE_IMG WORKDIR

  ELF        build/mps2_an386/bin/akiraos.elf (akira-boot.elf and akiraos.img beside it)
  AKIRA      the host tool (signs the test images, drives the serial link)
  KEY        the development key the bootloader trusts (build/keys/dev.key)
  FW_BIN     the firmware's payload (akiraos.bin), signed here with other versions
  NEVER_BIN  the payload of the build whose self-test fails (it never confirms itself)
  PROBE_IMG  tests/boot_probe.img of the cross tree: a small signed image (0.1.1) that
             runs from the slot, says so and resets without confirming (boot_probe.c)

Scenarios:
  serial     an update over the serial line as on native_sim: `akira --serial PTY ota
             push` of the probe image, which the firmware verifies and marks pending;
             after the reboot the bootloader swaps it in, it runs in test mode and never
             confirms itself, and the next boot reverts to the old version by itself
  serial_full  the same with the whole firmware build that fails its self-test (its
             258 KB cross QEMU's UART at 3-4 KB/s: about 90 s; run by hand, not in
             `make test`)
  slots      images placed in the secondary slot as imgtool --pad or the OTA manager
             leaves them (trailer magic, image-ok unset): a newer good build swaps in,
             runs in test mode, confirms itself and stays after a reset; a bad hash, an
             unsigned image, a bad signature and an unknown key are each refused with
             their log line and erased while the confirmed version boots on; a corrupted
             primary image is never started (erased, recovery console)

QEMU is bounded in time and killed by pid (tests/harness/qemu.py); exits 77 (skipped)
with a message when QEMU or the firmware is missing.
"""
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import qemu  # noqa: E402

SCENARIO, ELF, AKIRA, KEY, FW_BIN, NEVER_BIN, PROBE_IMG, WORK = sys.argv[1:9]
BOOT_S = 120
# flash0's map (boards/mps2_an386/include/akira/board_config.h) and MCUboot's trailer.
PRIMARY, SECONDARY, SLOT = 0x010000, 0x070000, 0x060000
MAGIC = bytes.fromhex("77c295f360d2ef7f3f5a6a7c8079b62c")


fail = qemu.fail


def sign(payload, version, name, key=KEY):
    out = os.path.join(WORK, name)
    subprocess.run([AKIRA, "image", "sign", "--key", key, "--version", version,
                    "--header-size", "0x200", payload, out], check=True,
                   capture_output=True, timeout=60)
    with open(out, "rb") as f:
        return f.read()


def plant(flash, image, offset=SECONDARY, pending=True):
    """Writes an image into a slot of the (powered-off) flash file, as a flashing tool
    would; pending: MCUboot's test mark (trailer magic, image-ok unset)."""
    with open(flash, "r+b") as f:
        f.seek(offset)
        f.write(image)
        if pending:
            f.seek(offset + SLOT - 16)
            f.write(MAGIC)


def boot(flash, extra=(), serial_pty=False):
    args = qemu.mps2_an386_args(ELF, flash, ["--plain"] + list(extra), serial_pty=serial_pty)
    q = qemu.Qemu(args, log=open(os.path.join(WORK, "qemu.log"), "a"))
    q.start()
    return q


def first_boot(flash):
    """The development image is flashed into the empty primary slot and runs."""
    q = boot(flash)
    q.expect("akira-boot: flashed ", BOOT_S)
    q.expect("akira-boot: starting 0.1.0+0 at 0x00090200", BOOT_S)
    q.expect("[ ok ] ota: firmware 0.1.0+0, confirmed", BOOT_S)
    q.expect("boot complete", BOOT_S)
    return q


def serial(full=False):
    flash = os.path.join(WORK, "flash.img")
    if full:
        sign(NEVER_BIN, "0.1.1+0", "never.img")
        image = os.path.join(WORK, "never.img")
    else:
        image = PROBE_IMG
    q = boot(flash, serial_pty=True)
    q.expect("akira-boot: starting 0.1.0+0 at", BOOT_S)
    q.expect("boot complete", BOOT_S)
    out = q.console.output()
    m = re.search(r"char device redirected to (/dev/pts/\d+) \(label serial1\)", out)
    t = re.search(r"device token \(shown once; later: `http token`\): ([0-9a-f]{32})", out)
    if not (m and t):
        q.kill()
        fail("no pty for UART1 or no token at boot", out)
    pty, token = m.group(1), t.group(1)
    # Upload, verified on the device, marked pending, then the reboot the tool asks for.
    r = subprocess.run([AKIRA, "--serial", pty, "--token", token, "ota", "push", image],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0 or "0.1.1+0 pending" not in r.stdout:
        q.kill()
        fail(f"ota push over serial: exit {r.returncode}\n{r.stdout}{r.stderr}",
             q.console.output())
    print(r.stdout.strip().splitlines()[0])
    q.expect("akira-boot: boot: test swap of", BOOT_S)
    q.expect("akira-boot: starting 0.1.1+0 (test boot) at 0x00090200", BOOT_S)
    if full:
        q.expect("[ ok ] ota: firmware 0.1.1+0, TEST boot", BOOT_S)
    else:
        q.expect("boot probe: running in place, vectors at 0x00090200", BOOT_S)
    # It never confirms itself: it resets, and the bootloader reverts by itself.
    q.expect("akira-boot: boot: revert swap of", BOOT_S)
    q.expect("akira-boot: starting 0.1.0+0 at", BOOT_S)
    q.expect("[ ok ] ota: firmware 0.1.0+0, confirmed", BOOT_S)
    q.expect("boot complete", BOOT_S)
    q.poweroff()


def slots():
    flash = os.path.join(WORK, "flash.img")
    q = first_boot(flash)
    q.poweroff()

    # A newer good build: test swap, test boot, self-test, confirmed; stays after a reset.
    plant(flash, sign(FW_BIN, "0.1.2+0", "new.img"))
    q = boot(flash)
    q.expect("akira-boot: boot: test swap of", BOOT_S)
    q.expect("akira-boot: starting 0.1.2+0 (test boot)", BOOT_S)
    q.expect("[ ok ] ota: firmware 0.1.2+0, TEST boot", BOOT_S)
    q.expect("self-test passed", BOOT_S)
    q.console.send("reboot\n")
    seen = q.expect("[ ok ] ota: firmware 0.1.2+0, confirmed", BOOT_S)
    if "swap of" in seen or "starting 0.1.2+0 at" not in seen:
        q.kill()
        fail("the confirmed update did not stay after a reset", q.console.output())
    q.expect("boot complete", BOOT_S)
    q.poweroff()

    # Refused images: each erased with its reason, the confirmed 0.1.2 boots on.
    good = sign(FW_BIN, "0.1.3+0", "next.img")
    hdr_size = struct.unpack_from("<H", good, 8)[0]
    img_size = struct.unpack_from("<I", good, 12)[0]
    tlv = hdr_size + img_size  # the unprotected TLV area (no protected one here)
    bad_hash = bytearray(good)
    bad_hash[hdr_size + 0x1000] ^= 0x01
    bad_sig = bytearray(good)
    bad_sig[-1] ^= 0x01  # the last TLV: the Ed25519 signature
    # Unsigned: only the SHA-256 entry (imgtool's first) kept in the TLV area.
    unsigned = bytearray(good[:tlv + 4 + 36])
    struct.pack_into("<HH", unsigned, tlv, 0x6907, 4 + 36)
    if struct.unpack_from("<H", unsigned, tlv + 4)[0] != 0x10:
        fail("the signed image's first TLV is not its SHA-256")
    other_key = os.path.join(WORK, "other")
    subprocess.run([AKIRA, "keygen", other_key], check=True, capture_output=True, timeout=60)
    unknown = sign(FW_BIN, "0.1.3+0", "unknown.img", key=other_key + ".key")
    for image, why in ((bad_hash, "bad hash"), (unsigned, "unsigned"),
                       (bad_sig, "bad signature"), (unknown, "signed by an unknown key")):
        with open(flash, "r+b") as f:  # the slot erased first, as the OTA manager does
            f.seek(SECONDARY)
            f.write(b"\xff" * SLOT)
        plant(flash, bytes(image))
        q = boot(flash)
        q.expect(f"akira-boot: boot: secondary slot: {why}", BOOT_S)
        seen = q.expect("[ ok ] ota: firmware 0.1.2+0, confirmed", BOOT_S)
        if "starting 0.1.2+0 at" not in seen or "swap of" in seen:
            q.kill()
            fail(f"{why}: not refused", q.console.output())
        q.poweroff()
        with open(flash, "rb") as f:
            f.seek(SECONDARY + SLOT - 16)
            if f.read(16) == MAGIC:
                fail(f"{why}: the refused image is still marked pending")

    # A corrupted primary image is never started: erased, then the recovery console.
    with open(flash, "r+b") as f:
        f.seek(PRIMARY + hdr_size + 0x2000)
        b = f.read(1)
        f.seek(PRIMARY + hdr_size + 0x2000)
        f.write(bytes([b[0] ^ 0x80]))
    q = qemu.Qemu(qemu.mps2_an386_args(ELF, flash, ["--plain"], image=""),
                  log=open(os.path.join(WORK, "qemu.log"), "a"))
    q.start()
    seen = q.expect("recovery> ", BOOT_S)
    if "akira-boot: boot: primary slot: bad hash" not in seen or "starting" in seen:
        q.kill()
        fail("a corrupted primary image was not refused", q.console.output())
    q.console.send("status\n")
    q.expect("recovery> ", 30)
    q.kill()


def main():
    qemu.prepare_mps2(ELF, WORK)
    for f in (AKIRA, KEY, FW_BIN, NEVER_BIN, PROBE_IMG):
        if not os.path.isfile(f):
            qemu.skip(f"{f} not built")
    {"serial": serial, "serial_full": lambda: serial(True), "slots": slots}[SCENARIO]()
    print(f"{SCENARIO}: ok")


if __name__ == "__main__":
    main()
