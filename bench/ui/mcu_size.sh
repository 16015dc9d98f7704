#!/usr/bin/env bash
# Flash and RAM of the UI layer on the Cortex-M4F (mps2_an386's flags): compiles ui/src
# and the generated fonts with arm-none-eabi-gcc -Os and prints their sections, plus the
# size of a widget object and of akira_ui_t there. Usage: bench/ui/mcu_size.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
fonts=$build/ui/fonts_gen.c
[[ -f $fonts ]] || { echo "mcu_size: build the host tree first ($fonts)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -ffunction-sections
       -fdata-sections -std=gnu11 -Wall -Wextra -Werror -I"$here/ui/include"
       -I"$here/kernel/include" -I"$here/ui/src")
for f in "$here"/ui/src/*.c "$fonts"; do
  arm-none-eabi-gcc "${flags[@]}" -c "$f" -o "$out/$(basename "${f%.c}").o"
done
cat > "$out/probe.c" <<'P'
#include "ui_priv.h"
char probe_obj[sizeof(akira_ui_obj_t)];
char probe_ui[sizeof(akira_ui_t)];
P
arm-none-eabi-gcc "${flags[@]}" -fno-common -c "$out/probe.c" -o "$out/probe.o"
echo "ui layer on Cortex-M4F (arm-none-eabi-gcc -Os), bytes:"
rm "$out/probe.c"
mv "$out/probe.o" "$out/probe.x"
arm-none-eabi-size -t "$out"/*.o | sed 's|'"$out"'/||'
while read -r _ size _ name; do
  case $name in
    probe_obj) echo "widget object header: $((16#$size)) B" ;;
    probe_ui) echo "akira_ui_t: $((16#$size)) B" ;;
  esac
done < <(arm-none-eabi-nm -S "$out/probe.x")
