#!/bin/sh
# aot.sh SRC_DIR BIN_DIR OUT_DIR RESULTS_MD - the AOT tier's figures (`make bench`).
#
# For each workload, in the same run and from the same C source: native `cc -O2`
# (median of 9 in-process runs of bench()), the engine's interpreter and the AOT tier
# (akira-aot -O2, median of 5 each, same checksum required), in guard-page mode (the
# default) and with explicit bounds checks (--bounds check); then native code bytes
# per bytecode byte, and the time to attach the AOT section of the 100 KB module. The
# table replaces the block between the AOT markers in RESULTS_MD.
set -eu
SRC=$1
BIN=$2
OUT=$3
RESULTS=$4
WORKLOADS="mix fib loops memops calls nbody mandel"
TAB=$(mktemp)
trap 'rm -f "$TAB" "$TAB".*' EXIT
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

rev=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') at commit $rev, load average $(cut -d' ' -f1-3 /proc/loadavg) (CPU time in-process; on a shared host single runs move by 10-25%):" >"$TAB"
echo >>"$TAB"
echo "| workload | native ms | interp ms | AOT ms | AOT/native speed | AOT over interp | explicit checks ms | explicit/native | bytecode B | native code B | code/bytecode | checksum |" >>"$TAB"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|" >>"$TAB"
: >"$TAB.r"
for w in $WORKLOADS; do
    printf 'aot %-8s\n' "$w" >&2
    line=$("$BIN/akira-aot" -O2 -o "$OUT/$w.aot" "$OUT/$w.wasm")
    "$BIN/akira-aot" -O2 --bounds check -o "$OUT/$w.check.aot" "$OUT/$w.wasm" >/dev/null
    code=$(echo "$line" | sed -n 's/.* -> \([0-9]*\) code bytes.*/\1/p')
    bytes=$(wc -c <"$OUT/$w.wasm")
    nat=$("$OUT/bench_native_$w" 9)
    int=$("$BIN/akira-bench" time "$OUT/$w.wasm" 5)
    aot=$(AKIRA_BENCH_AOT="$OUT/$w.aot" "$BIN/akira-bench" time "$OUT/$w.wasm" 5)
    chk=$(AKIRA_BENCH_AOT="$OUT/$w.check.aot" "$BIN/akira-bench" time "$OUT/$w.wasm" 5)
    n=$(field median_ms "$nat")
    i=$(field median_ms "$int")
    a=$(field median_ms "$aot")
    x=$(field median_ms "$chk")
    sum=$(field checksum "$nat")
    for c in "$(field checksum "$int")" "$(field checksum "$aot")" "$(field checksum "$chk")"; do
        [ "$c" = "$sum" ] || { echo "checksum mismatch on $w: $c vs $sum" >&2; exit 1; }
    done
    awk -v w="$w" -v n="$n" -v i="$i" -v a="$a" -v x="$x" -v b="$bytes" -v c="$code" -v s="$sum" 'BEGIN {
        printf "| %s | %.2f | %.2f | %.2f | %.2fx | %.1fx | %.2f | %.2fx | %d | %d | %.2f | %s |\n", w, n, i, a, n / a, i / a, x, n / x, b, c, c / b, s }' >>"$TAB"
    echo "$w $n $a $x $i" >>"$TAB.r"
done
awk '{ l += log($2 / $3); x += log($2 / $4); o += log($5 / $3); k++ } $1 == "mix" { mix = $2 / $3; mx = $2 / $4 }
     END { printf "\nAOT vs native: mix %.2fx, geometric mean %.2fx (goals: 0.9x and 0.75x); with explicit checks: mix %.2fx, geometric mean %.2fx. AOT over the interpreter: geometric mean %.1fx.\n", mix, exp(l / k), mx, exp(x / k), exp(o / k) }' "$TAB.r" >>"$TAB"
"$BIN/akira-aot" -O2 -o "$OUT/large100.aot" "$OUT/large100.wasm" >"$TAB.l"
ld=$("$BIN/akira-bench" aotload "$OUT/large100.wasm" "$OUT/large100.aot" 9)
awk -v b="$(field bytes "$ld")" -v t="$(field median_ms "$ld")" -v s="$(wc -c <"$OUT/large100.aot")" 'BEGIN {
    printf "Attach of the 100 KB module'"'"'s AOT section (%d bytecode bytes, %d section bytes: hash, copy, relocations, seal): %.3f ms (median of 9).\n", b, s, t }' >>"$TAB"
awk -v tab="$TAB" '
    /<!-- aot:begin -->/ { print; while ((getline l < tab) > 0) print l; skip = 1; next }
    /<!-- aot:end -->/ { skip = 0 }
    !skip' "$RESULTS" >"$TAB.md"
cp "$TAB.md" "$RESULTS"
cat "$TAB"
