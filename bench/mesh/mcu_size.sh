#!/usr/bin/env bash
# Flash and RAM of AkiraMesh on the Cortex-M4F (mps2_an386's flags: arm-none-eabi-gcc -Os,
# thumb, hard float): connectivity/mesh/*.c compiled for the board and linked with
# --gc-sections from the API it exports (akira_mesh_init/input/tick/send/...), so the
# figure is what a firmware using the mesh carries. ChaCha20-Poly1305 comes from the
# source of the libsodium-dev version installed (Debian's source package, as
# cmake/libsodium_mcu.cmake does for the bootloader; an unpacked tree is reused from
# build/mps2_an386/_deps/libsodium, else `apt-get source` into a temporary folder):
# its AEAD (IETF ChaCha20 ref, Poly1305 donna32, the constant-time compare) linked the
# same way from crypto_aead_chacha20poly1305_ietf_encrypt/_decrypt. libc's memcpy/memset
# are not counted; the keep table (32 B for the mesh, 8 for the AEAD) is. Usage: bench/mesh/mcu_size.sh [LIBSODIUM_SOURCE_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
src=${1:-}
if [ -z "$src" ]; then
  stamp="$here/build/mps2_an386/_deps/libsodium/unpacked"
  if [ -f "$stamp" ]; then
    src=$(cat "$stamp")
  else
    (cd "$out" && apt-get source -qq --only-source libsodium >/dev/null 2>&1)
    src=$(ls -d "$out"/libsodium-*/ | head -1)
  fi
fi
s="$src/src/libsodium"
[ -f "$s/crypto_aead/chacha20poly1305/sodium/aead_chacha20poly1305.c" ] ||
  { echo "no libsodium source at $src" >&2; exit 1; }
# the two headers mesh_crypto.c takes from <sodium.h> (the tree has no configured version.h)
mkdir -p "$out/inc"
printf '#include <sodium/core.h>\n#include <sodium/crypto_aead_chacha20poly1305.h>\n' \
  >"$out/inc/sodium.h"
cpu=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -ffunction-sections
     -fdata-sections -std=gnu11)
mesh=(-Wall -Wextra -Werror -DAKIRA_PORT_CORTEX_M -I"$here/connectivity/include"
      -I"$here/connectivity/mesh" -I"$here/kernel/include" -I"$here/boards/mps2_an386/include"
      -I"$out/inc" -I"$s/include")
for f in "$here"/connectivity/mesh/*.c; do
  arm-none-eabi-gcc "${cpu[@]}" "${mesh[@]}" -c "$f" -o "$out/mesh_$(basename "${f%.c}").o"
done
for f in crypto_aead/chacha20poly1305/sodium/aead_chacha20poly1305.c \
         crypto_stream/chacha20/stream_chacha20.c crypto_stream/chacha20/ref/chacha20_ref.c \
         crypto_onetimeauth/poly1305/onetimeauth_poly1305.c \
         crypto_onetimeauth/poly1305/donna/poly1305_donna.c crypto_verify/sodium/verify.c \
         sodium/utils.c; do
  arm-none-eabi-gcc "${cpu[@]}" -w -DNATIVE_LITTLE_ENDIAN=1 -DCONFIGURED=1 \
    -I"$s/include/sodium" -I"$s/include" -c "$s/$f" -o "$out/sodium_$(basename "${f%.c}").o"
done
# the entry points a firmware calls, kept; everything else reachable from them counted
cat >"$out/keep_mesh.c" <<'P'
void akira_mesh_init(void), akira_mesh_input(void), akira_mesh_tick(void),
    akira_mesh_next_deadline(void), akira_mesh_send(void), akira_mesh_neighbours(void),
    akira_mesh_routes(void), akira_mesh_stats(void);
void *const keep[] = {akira_mesh_init, akira_mesh_input, akira_mesh_tick,
                      akira_mesh_next_deadline, akira_mesh_send, akira_mesh_neighbours,
                      akira_mesh_routes, akira_mesh_stats};
P
cat >"$out/keep_aead.c" <<'P'
void crypto_aead_chacha20poly1305_ietf_encrypt(void),
    crypto_aead_chacha20poly1305_ietf_decrypt(void);
void *const keep[] = {crypto_aead_chacha20poly1305_ietf_encrypt,
                      crypto_aead_chacha20poly1305_ietf_decrypt};
P
link() { # name, objects...: .text+.rodata / .data / .bss of what the keep table reaches
  local name=$1
  shift
  arm-none-eabi-gcc "${cpu[@]}" -c "$out/keep_$name.c" -o "$out/keep_$name.o"
  arm-none-eabi-gcc "${cpu[@]}" -nostdlib -Wl,--gc-sections -Wl,-e,keep -Wl,--undefined=keep \
    -Wl,--unresolved-symbols=ignore-all -o "$out/$name.elf" "$out/keep_$name.o" "$@"
  arm-none-eabi-size -A "$out/$name.elf" |
    awk -v n="$name" '$1 ~ /^\.text|^\.rodata/ {f += $2} $1 ~ /^\.data/ {d += $2}
                      $1 ~ /^\.bss/ {b += $2}
                      END {printf "%s: flash %d B (text+rodata), data %d B, bss %d B\n", n, f, d, b}'
}
echo "AkiraMesh on Cortex-M4F (arm-none-eabi-gcc -Os, --gc-sections), bytes:"
mesh_objs=("$out"/mesh_*.o)
nocrypto=()
for o in "${mesh_objs[@]}"; do [ "$(basename "$o")" = mesh_mesh_crypto.o ] || nocrypto+=("$o"); done
link mesh "${nocrypto[@]}" | sed 's/^mesh:/mesh protocol without crypto:/'
link mesh "${mesh_objs[@]}" | sed 's/^mesh:/mesh protocol with its libsodium glue:/'
link aead "$out"/sodium_*.o | sed 's/^aead:/libsodium ChaCha20-Poly1305 IETF (what the mesh adds of it):/'
# RAM: the node's state and its tables as the board lays them out
cat >"$out/probe.c" <<P
#include <akira/mesh.h>
char probe_node[sizeof(struct akira_mesh_node)];
char probe_nbr[sizeof(struct akira_mesh_nbr_)];
char probe_route[sizeof(struct akira_mesh_route_)];
char probe_dup[sizeof(struct akira_mesh_dup_)];
char probe_txq[sizeof(struct akira_mesh_txq_)];
char probe_out[sizeof(struct akira_mesh_out_)];
char probe_rx[sizeof(struct akira_mesh_rx_)];
P
arm-none-eabi-gcc "${cpu[@]}" "${mesh[@]}" -fno-common -c "$out/probe.c" -o "$out/probe.o"
while read -r _ size _ name; do
  case $name in
    probe_node) echo "RAM, the node's whole state: $((16#$size)) B" ;;
    probe_*) echo "RAM per ${name#probe_} entry: $((16#$size)) B" ;;
  esac
done < <(arm-none-eabi-nm -S "$out/probe.o")
