#!/usr/bin/env bash
# Boot the mps2_an386 firmware in QEMU with the shell on this terminal (UART0), its
# NOR flash in build/mps2_an386/flash.img (kept across runs, written through on every
# change). The SDK examples built into build/apps/ are installed at boot (read through
# semihosting) where no app of that name is installed, so the first boot makes
# the flash image with them and `app list` shows them; hello and counter autostart.
# UART1 carries the serial management link (docs/serial.md) on a host pty: QEMU prints
# "char device redirected to /dev/pts/N (label serial1)" first; then, from another
# terminal, `build/bin/akira --serial /dev/pts/N --token TOKEN install app.wasm`.
# Extra arguments go to QEMU. Quit: `poweroff` in the shell, or Ctrl-A X.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=build/mps2_an386
# QEMU starts the bootloader (akira-boot.elf, at the reset vector); it writes the signed
# firmware akiraos.img into the primary slot on first run and after a rebuild, then
# starts it from there (docs/boot.md, "Cortex-M").
semi="enable=on,target=native,arg=akiraos,arg=--flash,arg=$tree/flash.img,arg=--image,arg=$tree/bin/akiraos.img"
for app in build/apps/*.wasm; do
  [[ -e "$app" ]] && semi+=",arg=--install,arg=$app"
done
exec qemu-system-arm -M mps2-an386 -nographic -serial mon:stdio -serial pty \
  -semihosting-config "$semi" \
  -kernel "$tree/bin/akira-boot.elf" "$@"
