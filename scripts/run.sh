#!/usr/bin/env bash
# Boot the native_sim device with its flash image in build/ (kept across runs). The SDK
# examples built into build/apps/ are installed at boot when no app of that name is in
# the app store yet (a user's own app of that name is kept), so a first `make run`
# shows them in `app list` (hello and counter autostart). Extra arguments go to akiraos.
set -euo pipefail
cd "$(dirname "$0")/.."
installs=()
for app in build/apps/*.wasm; do
  [[ -e "$app" ]] && installs+=(--install "$app")
done
# The first stage boots it: akira-boot runs the bootloader (boot/) on the flash image and
# starts the firmware in the primary slot; on first run it flashes the build's signed
# firmware there (build/bin/akiraos.img, development key build/keys/dev). `reboot`
# comes back through it, so an OTA update (docs/boot.md) changes what runs.
# Fixed ports, shown on the boot line "network: http 127.0.0.1:8080, https
# 127.0.0.1:8443, shell 127.0.0.1:2323, tls shell 127.0.0.1:2324" (docs/tls.md).
exec build/bin/akira-boot --image build/bin/akiraos.img --flash build/flash.img --http-port 8080 --shell-port 2323 \
  --https-port 8443 --shell-tls-port 2324 \
  "${installs[@]}" "$@"
