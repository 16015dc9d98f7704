#!/bin/sh
# run.sh SRC_DIR MCU_TREE APPS_DIR RESULTS_MD AKIRA KEY - the mps2_an386 benchmark
# (`make bench`): cross-builds the firmware into MCU_TREE (as `make mcu`), then
# bench_mcu.py measures its footprint per layer from the linker map and its RAM and boot
# in QEMU, and bench_boot.py the bootloader's size and its checks and swap (AKIRA and
# KEY sign the newer image it swaps in). The figures replace the blocks between the mcu
# and mcu_boot markers in RESULTS_MD; the method text there stays.
set -eu
SRC=$1
TREE=$2
APPS=$3
RESULTS=$4
AKIRA=$5
KEY=$6
for t in arm-none-eabi-gcc qemu-system-arm; do
    command -v $t >/dev/null || { echo "bench/mcu: $t not found: skipped" >&2; exit 0; }
done
cmake -S "$SRC" -B "$TREE" -DCMAKE_TOOLCHAIN_FILE="$SRC/cmake/arm-none-eabi.cmake" \
    -DAKIRA_BOARD=mps2_an386 -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
cmake --build "$TREE" -j 2 >/dev/null
FIG=$(mktemp)
trap 'rm -f "$FIG"' EXIT
rev=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$SRC" status --porcelain 2>/dev/null)" ] || rev="$rev, with uncommitted changes"
{
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') at commit $rev: $(arm-none-eabi-gcc --version | head -1), -Os (MinSizeRel), $(qemu-system-arm --version | head -1)."
    echo
    bench_elf=
    [ -f "$TREE/bin/akira_bench_mcu.elf" ] && bench_elf="$TREE/bin/akira_bench_mcu.elf"
    python3 "$SRC/bench/mcu/bench_mcu.py" "$TREE/bin/akiraos.elf" "$TREE/bin/akiraos.map" \
        "$APPS" "$TREE/bench" $bench_elf
} >"$FIG"
cat "$FIG"
sh "$SRC/bench/put_figures.sh" "$RESULTS" mcu "$FIG"
python3 "$SRC/bench/mcu/bench_boot.py" "$TREE" "$AKIRA" "$KEY" "$TREE/bench" >"$FIG"
cat "$FIG"
sh "$SRC/bench/put_figures.sh" "$RESULTS" mcu_boot "$FIG"
