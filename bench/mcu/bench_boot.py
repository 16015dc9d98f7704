#!/usr/bin/env python3
"""The mps2_an386 bootloader's figures for bench/RESULTS.md ("OTA and the bootloader").

usage: bench_boot.py MCU_TREE AKIRA KEY WORKDIR

MCU_TREE is build/mps2_an386 (bin/akira-boot.elf, .map, bin/akiraos.elf, akiraos.img,
boards/mps2_an386/boot/akiraos.bin), AKIRA the host tool and KEY the development key
that signs a newer image. Prints a markdown table:

- flash and static RAM of bin/akira-boot.elf (arm-none-eabi-size), the part of it that
  is libsodium's (SHA-256, SHA-512, Ed25519 verify) from the linker map, and the stack
  high-water mark the bootloader reports (its stack painted at reset);
- under -icount shift=0 (one instruction per virtual nanosecond; the bootloader's
  "in N us" is read from the 25 MHz timer in virtual time): a normal boot's checks of
  the confirmed primary image (SHA-256 over the image, Ed25519 verify, counter), and a
  test swap of the image planted in the secondary slot (validation of the secondary,
  the swap through scratch, validation of the new primary). Semihosting's file writes
  take no virtual time: the swap figure is the CPU's share, not a chip's erase times.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "harness"))
import qemu  # noqa: E402

TREE, AKIRA, KEY, WORK = sys.argv[1:5]
ELF = os.path.join(TREE, "bin", "akiraos.elf")
BOOT = os.path.join(TREE, "bin", "akira-boot.elf")
MAP = os.path.join(TREE, "bin", "akira-boot.map")
FW_BIN = os.path.join(TREE, "boards", "mps2_an386", "boot", "akiraos.bin")
SECONDARY, SLOT = 0x070000, 0x060000
MAGIC = bytes.fromhex("77c295f360d2ef7f3f5a6a7c8079b62c")


def size_of(elf):
    out = subprocess.run(["arm-none-eabi-size", "-A", elf], capture_output=True, text=True,
                         check=True).stdout
    sec = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\.\S+)\s+(\d+)", out, re.M)}
    flash = sum(sec.get(s, 0) for s in (".vectors", ".text", ".rodata", ".ARM.exidx", ".data"))
    return flash, sec.get(".data", 0) + sec.get(".bss", 0)


def sodium_bytes(path):
    """Bytes of code and constants from libakira_sodium_mcu.a in the map."""
    total = 0
    text = open(path, encoding="utf-8", errors="replace").read()
    for m in re.finditer(r"^ \.(?:text|rodata)\S*\s*\n?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)",
                         text, re.M):
        if int(m.group(1), 16) and "libakira_sodium_mcu.a" in m.group(3):
            total += int(m.group(2), 16)
    return total


def boot_once(flash):
    """One boot under -icount shift=0, up to the firmware's prompt: the bootloader's lines."""
    with qemu.Qemu(qemu.mps2_an386_args(ELF, flash, ["--plain"], icount=True)) as q:
        q.console.expect("boot complete", 600)
        q.console.send("poweroff\n")
        q.wait(60)
        return q.console.output()


def figure(out, what):
    m = re.search(rf"akira-boot: {what} in (\d+) us", out)
    if not m:
        raise SystemExit(f"no '{what}' line:\n{out}")
    return int(m.group(1)) * 1000  # instructions


def main():
    qemu.need_tools("qemu-system-arm", "arm-none-eabi-size", BOOT, MAP, ELF, FW_BIN)
    os.makedirs(WORK, exist_ok=True)
    flash = os.path.join(WORK, "boot_bench.img")
    if os.path.exists(flash):
        os.unlink(flash)
    boot_once(flash)  # flashes the development image
    out = boot_once(flash)
    check = figure(out, "checks")
    stack = int(re.search(r"bytes static, (\d+) bytes of stack", out).group(1))
    newer = os.path.join(WORK, "newer.img")
    subprocess.run([AKIRA, "image", "sign", "--key", KEY, "--version", "0.1.1+0",
                    "--header-size", "0x200", FW_BIN, newer], check=True, capture_output=True)
    image = open(newer, "rb").read()
    with open(flash, "r+b") as f:
        f.seek(SECONDARY)
        f.write(image)
        f.seek(SECONDARY + SLOT - 16)
        f.write(MAGIC)
    out = boot_once(flash)
    swap = figure(out, "swap and checks")
    sectors = int(re.search(r"test swap of (\d+) sectors", out).group(1))
    flash_b, ram_b = size_of(BOOT)
    sodium = sodium_bytes(MAP)
    kib = lambda b: f"{b / 1024:.1f} KiB"  # noqa: E731
    print("| bootloader on mps2_an386 (`bin/akira-boot.elf`) | figure |")
    print("|---|---|")
    print(f"| flash (code, constants, .data initialisers) | {flash_b} B ({kib(flash_b)}; "
          f"MCUboot's is ~30 KB) |")
    print(f"| of which libsodium (SHA-256, SHA-512, Ed25519 verify, ref10) | {sodium} B "
          f"({kib(sodium)}) |")
    print(f"| RAM: static (.data + .bss) | {ram_b} B |")
    print(f"| RAM: stack, high-water mark of a boot | {stack} B |")
    print(f"| boot-time checks of the confirmed primary image ({len(image)} B: SHA-256, "
          f"Ed25519, counter), -icount shift=0 | {check:,} instructions |")
    print(f"| test swap of that image ({sectors} sectors through scratch) with the checks "
          f"before and after, -icount shift=0 | {swap:,} instructions |")


if __name__ == "__main__":
    main()
