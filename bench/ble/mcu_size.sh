#!/usr/bin/env bash
# Flash and RAM of the BLE link layer on the Cortex-M4F (mps2_an386's flags): compiles
# connectivity/ble/*.c and the BT manager with arm-none-eabi-gcc -Os and prints their
# sections and the size of one connection's state. mbedTLS itself (AES, CCM) is not
# built for the board and not counted. Usage: bench/ble/mcu_size.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/inc"
ln -s /usr/include/mbedtls "$out/inc/mbedtls" # headers only: portable C
flags=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -ffunction-sections
       -fdata-sections -std=gnu11 -Wall -Wextra -Werror -DAKIRA_PORT_CORTEX_M
       -I"$here/connectivity/include" -I"$here/connectivity/ble" -I"$here/kernel/include"
       -I"$here/boards/mps2_an386/include" -I"$out/inc")
for f in "$here"/connectivity/ble/*.c "$here"/connectivity/src/bt_manager.c; do
  arm-none-eabi-gcc "${flags[@]}" -c "$f" -o "$out/$(basename "${f%.c}").o"
done
cat > "$out/probe.c" <<P
#include "$here/connectivity/ble/ll.c"
char probe_conn[sizeof(struct conn)];
P
arm-none-eabi-gcc "${flags[@]}" -fno-common -c "$out/probe.c" -o "$out/probe.x"
rm "$out/probe.c"
echo "BLE link layer on Cortex-M4F (arm-none-eabi-gcc -Os), bytes:"
arm-none-eabi-size -t "$out"/*.o | sed 's|'"$out"'/||'
while read -r _ size _ name; do
  case $name in
    probe_conn) echo "one connection's state: $((16#$size)) B" ;;
    ll) echo "link layer state, AKIRA_BLE_LL_CONN_MAX connections included: $((16#$size)) B" ;;
  esac
done < <(arm-none-eabi-nm -S "$out/probe.x")
