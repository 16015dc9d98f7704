#!/usr/bin/env bash
# Boot the native_sim device with its flash image in build/ (kept across runs).
set -euo pipefail
cd "$(dirname "$0")/.."
exec build/bin/akiraos --flash build/flash.img "$@"
