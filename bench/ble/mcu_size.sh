#!/usr/bin/env bash
# Flash and RAM of the BLE stack on the Cortex-M4F (mps2_an386's flags): compiles the
# link layer (connectivity/ble/ll*.c, the BT manager), the host (host_*.c: L2CAP, ATT,
# GATT server and client, bonds, SMP; HOGP and the HID host) and the BLE management
# transport with arm-none-eabi-gcc -Os and prints their sections (text + data = flash),
# and the size of one connection's link-layer state. mbedTLS (AES, CCM for the link
# layer; AES, CMAC and P-256 for SMP) is not built for the board (Debian ships none for
# arm-none-eabi) and not counted: the board's build has neither the link layer nor SMP
# (host_smp_none.c), so the "without SMP" line is what it can link.
# Usage: bench/ble/mcu_size.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/inc"
ln -s /usr/include/mbedtls "$out/inc/mbedtls" # headers only: portable C
flags=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -ffunction-sections
       -fdata-sections -std=gnu11 -Wall -Wextra -Werror -DAKIRA_PORT_CORTEX_M
       -I"$here/connectivity/include" -I"$here/connectivity/ble" -I"$here/kernel/include"
       -I"$here/kernel/storage/include" -I"$here/boards/mps2_an386/include" -I"$out/inc")
for f in "$here"/connectivity/ble/*.c "$here"/connectivity/src/bt_manager.c \
         "$here"/connectivity/src/ble_transport.c; do
  arm-none-eabi-gcc "${flags[@]}" -c "$f" -o "$out/$(basename "${f%.c}").o"
done
cat > "$out/probe.c" <<P
#include "$here/connectivity/ble/ll.c"
char probe_conn[sizeof(struct conn)];
P
arm-none-eabi-gcc "${flags[@]}" -fno-common -c "$out/probe.c" -o "$out/probe.x"
rm "$out/probe.c"
group() { # title, object names: text+data of the group
  local title=$1 sum=0 t d
  shift
  for o in "$@"; do
    read -r t d _ < <(arm-none-eabi-size "$out/$o.o" | tail -1)
    sum=$((sum + t + d))
  done
  printf '%-58s %6d B\n' "$title" "$sum"
}
echo "BLE stack on Cortex-M4F (arm-none-eabi-gcc -Os), bytes:"
arm-none-eabi-size -t "$out"/*.o | sed 's|'"$out"'/||'
echo "flash (text + data) by part:"
group "link layer (ll, ll_pdu, ll_crypto, bt_manager; + mbedTLS)" ll ll_pdu ll_crypto bt_manager
group "host without SMP (l2cap, att, gatt server/client, bonds, core)" host_core host_ll host_l2cap \
  host_att host_gatt_server host_gatt_client host_bonds host_smp_none host_crypto_none
group "host SMP (host_smp, host_crypto; + mbedTLS)" host_smp host_crypto
group "HID over GATT, HID host, report parser" hogp hid_host hid_report
group "management transport (ble_transport; + serial_link)" ble_transport
while read -r _ size _ name; do
  case $name in
    probe_conn) echo "one connection's link-layer state: $((16#$size)) B" ;;
    ll) echo "link layer state, AKIRA_BLE_LL_CONN_MAX connections included: $((16#$size)) B" ;;
  esac
done < <(arm-none-eabi-nm -S "$out/probe.x")
