#!/bin/sh
# run.sh SRC_DIR BIN_DIR OUT_DIR RESULTS_MD - the engine benchmark (`make bench`).
#
# For each workload: in-process time of `bench()` natively (cc -O2, median of 9), on
# the AkiraOS engine (akira-bench, median of 5), on node's WebAssembly (median of 5),
# the wall time of one akira-wasm CLI run and of one wabt wasm-interp run (its only way to call an export);
# every runner must return the same checksum. Then engine RAM per instance, load time
# per KiB, and engine text size for Cortex-M4 -Os. Figures replace the block between
# the markers in RESULTS_MD; the method text there stays.
set -eu
SRC=$1
BIN=$2
OUT=$3
RESULTS=$4
WORKLOADS="mix fib loops memops calls nbody mandel"
TAB=$(mktemp)
trap 'rm -f "$TAB" "$TAB".*' EXIT

field() { # field NAME LINE
    echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.1f", a / b }'; }

now_ns() { date +%s%N; }

# run_timed OUTFILE CMD...: runs CMD (stdout to OUTFILE) and prints its user + system
# CPU milliseconds (GNU time), or its wall milliseconds where GNU time is missing.
run_timed() {
    o=$1
    shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%U %S" -o "$TAB.time" "$@" >"$o" 2>/dev/null
        awk '{ printf "%.0f", ($1 + $2) * 1000 }' "$TAB.time"
    else
        t0=$(now_ns)
        "$@" >"$o" 2>/dev/null
        t1=$(now_ns)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) / 1e6 }'
    fi
}

echo "| workload | native ms | akira ms | akira/native | (best runs) | akira-wasm CLI ms | wasm-interp ms | interp/native | node ms | node/native | checksum |" >"$TAB"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|" >>"$TAB"
: >"$TAB.ratios"
for w in $WORKLOADS; do
    printf 'bench %-8s' "$w" >&2
    nat=$("$OUT/bench_native_$w" 9)
    nat_ms=$(field median_ms "$nat")
    nat_min=$(field min_ms "$nat")
    sum=$(field checksum "$nat")
    ok=yes

    ak=$("$BIN/akira-bench" time "$OUT/$w.wasm" 5) || ak=""
    ak_ms=$(field median_ms "$ak")
    ak_min=$(field min_ms "$ak")
    [ "$(field checksum "$ak")" = "$sum" ] || ok="no (akira)"

    # the CLI as a user runs it: process start, streaming load, compile, one call
    cli_ms=$(run_timed "$TAB.out" "$BIN/akira-wasm" run --invoke bench "$OUT/$w.wasm")
    r=$(sed -n 's/^i32://p' "$TAB.out")
    r=$(awk -v r="$r" 'BEGIN { if (r < 0) r += 4294967296; printf "%.0f", r }')
    [ "$r" = "$sum" ] || { ok="no (akira-wasm)"; cli_ms=""; }

    in_ms=""
    if command -v wasm-interp >/dev/null; then
        in_ms=$(run_timed "$TAB.out" wasm-interp --run-all-exports "$OUT/$w.wasm")
        r=$(sed -n 's/^bench() => i32://p' "$TAB.out")
        # wasm-interp prints i32 signed
        r=$(awk -v r="$r" 'BEGIN { if (r < 0) r += 4294967296; printf "%.0f", r }')
        [ "$r" = "$sum" ] || { ok="no (wasm-interp)"; in_ms=""; }
    fi

    nd_ms=""
    if command -v node >/dev/null; then
        nd=$(node "$SRC/bench/wasm/run_node.mjs" "$OUT/$w.wasm" 5 2>/dev/null) || nd=""
        nd_ms=$(field median_ms "$nd")
        [ "$(field checksum "$nd")" = "$sum" ] || { ok="no (node)"; nd_ms=""; }
    fi
    ar=$(ratio "$ak_ms" "$nat_ms")
    echo "$ar" >>"$TAB.ratios"
    echo "| $w | $nat_ms | ${ak_ms:--} | $ar | $(ratio "$ak_min" "$nat_min") | ${cli_ms:--} | ${in_ms:--} | $(ratio "$in_ms" "$nat_ms") | ${nd_ms:--} | $(ratio "$nd_ms" "$nat_ms") | $ok |" >>"$TAB"
    echo " native $nat_ms ms, akira ${ak_ms:--} ms (x$ar), wasm-interp ${in_ms:--} ms, node ${nd_ms:--} ms, checksum ok: $ok" >&2
done
geo=$(awk '$1 != "-" { s += log($1); n++ } END { if (n) printf "%.1f", exp(s / n); else print "-" }' "$TAB.ratios")

# Time slicing: the same mix with a budget, yielding and resuming as the runtime does.
{
    echo "| budget (units per slice) | mix ms (median of 3) | slices per call | vs unlimited |"
    echo "|---|---:|---:|---:|"
    base=""
    for b in 0 100000 10000 1000; do
        r=$("$BIN/akira-bench" time "$OUT/mix.wasm" 3 $b) || { echo "| $b | failed | | |"; continue; }
        ms=$(field median_ms "$r")
        [ -n "$base" ] || base=$ms
        label=$b
        [ "$b" = 0 ] && label="unlimited"
        echo "| $label | $ms | $(field slices_per_call "$r") | $(ratio "$ms" "$base") |"
    done
} >"$TAB.slice"

# RAM: a counting realloc hook sees every engine allocation.
ram_line() {
    r=$("$BIN/akira-bench" ram "$1") || { echo "| $2 | failed |"; return; }
    echo "| $2 | $(field file_bytes "$r") | $(field module_alloc "$r") | $(field module_ram "$r") | $(field store_alloc "$r") | $(field instance_alloc "$r") | $(field linear "$r") | $(field stack "$r") | $(field instance_beyond_linear "$r") | **$(field beyond_linear_and_stack "$r")** |"
}
{
    echo "| module | file bytes | module alloc | aw_module_ram | store alloc | instance alloc | linear memory | operand stack | instance - linear | store + instance - linear - stack |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    ram_line "$OUT/mix.wasm" "mix.wasm"
    ram_line "$OUT/fib.wasm" "fib.wasm"
    ram_line "$OUT/large.wasm" "large.wasm (generated)"
} >"$TAB.ram"

# Load: decode + validate + compile from a buffer.
{
    echo "| module | bytes | load ms (median of 5) | us per KiB |"
    echo "|---|---:|---:|---:|"
    for m in large large100 mix; do
        r=$("$BIN/akira-bench" load "$OUT/$m.wasm" 5) || { echo "| $m.wasm | failed | | |"; continue; }
        echo "| $m.wasm | $(field bytes "$r") | $(field median_ms "$r") | $(field us_per_kib "$r") |"
        [ $m = large100 ] && field median_ms "$r" >"$TAB.l100"
    done
} >"$TAB.load"

# Cortex-M4 text: every engine source, -Os, function sections, summed .text; without
# SIMD (AW_SIMD=0, the figure with a goal) and with it (AW_SIMD=1, the table).
arm_text="-"
arm_text_simd="-"
if command -v arm-none-eabi-gcc >/dev/null; then
    for simd in 0 1; do
        objdir=$(mktemp -d)
        ok=1
        for f in "$SRC"/engine/src/*.c; do
            arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os -ffunction-sections -fdata-sections \
                -std=gnu11 -DAW_SIMD=$simd -I"$SRC/engine/include" -I"$SRC/engine/src" -c "$f" \
                -o "$objdir/$(basename "$f" .c).o" 2>"$TAB.armerr" || { ok=0; cat "$TAB.armerr" >&2; }
        done
        if [ $ok = 1 ] && [ $simd = 0 ]; then
            arm_text=$(arm-none-eabi-size -t "$objdir"/*.o | awk 'END { print $1 }')
        elif [ $ok = 1 ]; then
            arm_text_simd=$(arm-none-eabi-size -t "$objdir"/*.o | awk 'END { print $1 }')
            arm-none-eabi-size "$objdir"/*.o | awk 'NR > 1 && $1 > 0 { n = $6; sub(".*/", "", n); printf "| %s | %d | %d | %d |\n", n, $1, $2, $3 }' | sort -t'|' -k3 -nr >"$TAB.arm"
        fi
        rm -rf "$objdir"
    done
fi

mix_ratio=$(sed -n 's/^| mix | [^|]* | [^|]* | \([^ |]*\) | \([^ |]*\) |.*/\1x (best runs: \2x)/p' "$TAB")
mix_ram=$(sed -n 's/^| mix.wasm |.*| \*\*\(-*[0-9]*\)\*\* |$/\1/p' "$TAB.ram")
mix_inst=$(sed -n 's/^| mix.wasm |.*| \([0-9-]*\) | \*\*.*/\1/p' "$TAB.ram")
l100=$(cat "$TAB.l100" 2>/dev/null || echo -)

rev=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$SRC" status --porcelain -- engine 2>/dev/null)" ]; then
    rev="$rev, with uncommitted engine/ changes"
fi

machine=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)
{
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') at commit $rev on $machine ($(nproc) cores), $(uname -sr)."
    echo "Native: $(cc --version | head -1); wasm: $(clang --version | head -1); node $(node --version 2>/dev/null || echo -); $(wasm-interp --version 2>/dev/null | sed 's/^/wabt /' || echo wabt -)."
    echo
    echo "### Goals (issue #3)"
    echo
    echo "| goal | target | measured |"
    echo "|---|---|---|"
    echo "| CoreMark-like mix vs native gcc -O2 | <= 10x | ${mix_ratio} |"
    echo "| load + validate + compile, ~100 KB module | < 5 ms | $l100 ms |"
    echo "| engine text, Cortex-M4 -Os, without SIMD | <= 49152 B (issue #15) | $arm_text B ($arm_text_simd B with SIMD) |"
    echo "| RAM per instance beyond linear memory and operand stack | < 4096 B | $mix_inst B per instance; $mix_ram B with its store (call frames for 256 levels) |"
    echo
    echo "### Speed (median ms, lower is better; ratios are to native)"
    echo
    cat "$TAB"
    echo
    echo "Geometric mean akira/native over the workloads: **${geo}x** (goal: <= 10x; mix is the CoreMark-like one)."
    echo
    echo "### Time slicing (aw_store_set_budget + aw_resume)"
    echo
    cat "$TAB.slice"
    echo
    echo "### RAM per instance (bytes)"
    echo
    cat "$TAB.ram"
    echo
    echo "### Load + validate + compile"
    echo
    cat "$TAB.load"
    echo
    echo "### Engine text, Cortex-M4 -Os (goal without SIMD: <= 48 KiB)"
    echo
    echo "Total .text of engine/src/*.c: **$arm_text bytes** without SIMD (AKIRA_WASM_SIMD off), **$arm_text_simd bytes** with it (arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os -ffunction-sections, before --gc-sections). Per object, with SIMD:"
    if [ -s "$TAB.arm" ]; then
        echo
        echo "| object | text | data | bss |"
        echo "|---|---:|---:|---:|"
        cat "$TAB.arm"
    fi
} >"$TAB.fig"

cat "$TAB.fig"
sh "$SRC/bench/put_figures.sh" "$RESULTS" figures "$TAB.fig"
