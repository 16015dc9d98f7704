#!/usr/bin/env bash
# Boot the mps2_an386 firmware in QEMU with the shell on this terminal (UART0), its
# NOR flash in build/mps2_an386/flash.img (kept across runs, written through on every
# change). UART1 and UART2 are not connected unless given: extra arguments go to QEMU
# (e.g. -serial pty for UART1). Quit: `poweroff` in the shell, or Ctrl-A X.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=build/mps2_an386
exec qemu-system-arm -M mps2-an386 -nographic \
  -semihosting-config "enable=on,target=native,arg=akiraos,arg=--flash,arg=$tree/flash.img" \
  -kernel "$tree/bin/akiraos.elf" "$@"
