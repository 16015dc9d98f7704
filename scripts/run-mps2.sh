#!/usr/bin/env bash
# Boot the mps2_an386 firmware in QEMU with the shell on this terminal (UART0), its
# NOR flash in build/mps2_an386/flash.img (kept across runs, written through on every
# change). The SDK examples built into build/apps/ are installed at boot (read through
# semihosting) when that version is not in the app store yet, so the first boot makes
# the flash image with them and `app list` shows them; hello and counter autostart.
# UART1 and UART2 are not connected unless given: extra arguments go to QEMU, e.g.
# `-serial mon:stdio -serial pty` keeps the console here and puts UART1 (the serial
# management link, docs/serial.md) on a pty (a lone -serial would replace UART0). Quit: `poweroff` in the shell, or Ctrl-A X.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=build/mps2_an386
semi="enable=on,target=native,arg=akiraos,arg=--flash,arg=$tree/flash.img"
for app in build/apps/*.wasm; do
  [[ -e "$app" ]] && semi+=",arg=--install,arg=$app"
done
exec qemu-system-arm -M mps2-an386 -nographic -semihosting-config "$semi" \
  -kernel "$tree/bin/akiraos.elf" "$@"
