#!/usr/bin/env bash
# Boot the native_sim device with its flash image in build/ (kept across runs).
set -euo pipefail
cd "$(dirname "$0")/.."
# Fixed ports, shown on the boot line "network: http 127.0.0.1:8080, shell 127.0.0.1:2323".
exec build/bin/akiraos --flash build/flash.img --http-port 8080 --shell-port 2323 "$@"
