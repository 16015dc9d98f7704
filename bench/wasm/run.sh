#!/bin/sh
# run.sh SRC_DIR BIN_DIR OUT_DIR RESULTS_MD [WASM3] - the engine benchmark (`make bench`).
#
# EEMBC CoreMark (OUT_DIR/coremark_native, OUT_DIR/coremark.wasm) natively, on
# akira-wasm and on the peer wasm3 (WASM3), each run 5 times interleaved, median score,
# CRCs checked. For each workload: in-process time of `bench()` natively (cc -O2,
# median of 9), on the AkiraOS engine (akira-bench, median of 5), on node's WebAssembly
# (median of 5); the process CPU time of the akira-wasm CLI and of wasm3 (median of 5
# each: process start, load, compile, one call); one wabt wasm-interp run (its only way
# to call an export); every runner must return the same checksum. Then engine RAM per
# instance, load time per KiB, and engine text size for Cortex-M4 -Os. Figures replace
# the block between the markers in RESULTS_MD; the method text there stays.
set -eu
SRC=$1
BIN=$2
OUT=$3
RESULTS=$4
WASM3=${5:-}
if [ -z "$WASM3" ] || [ ! -x "$WASM3" ]; then
    echo "bench: wasm3 not built (no ../shared/peers/wasm3 beside the checkout): no peer figures" >&2
    WASM3=""
fi
PT="python3 $SRC/bench/wasm/proc_time.py"
WORKLOADS="mix fib loops memops calls nbody mandel"
TAB=$(mktemp)
trap 'rm -f "$TAB" "$TAB".*' EXIT

field() { # field NAME LINE
    echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.1f", a / b }'; }

ratio2() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }

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

# signed i32 text -> unsigned
u32() { awk -v r="$1" 'BEGIN { if (r == "") exit; if (r < 0) r += 4294967296; printf "%.0f", r }'; }

# CoreMark: score = iterations per CPU second (ticks are CPU microseconds); valid when
# the seed and the list, matrix and state CRCs are the 2K performance run's.
cm_line() { # cm_line FILE -> "score=<s> ok=<yes|no>"
    awk '/^Total ticks/ { t = $NF } /^Iterations  / { n = $NF }
         /seedcrc/ && $NF == "0xe9f5" { c++ } /crclist/ && $NF == "0xe714" { c++ }
         /crcmatrix/ && $NF == "0x1fd7" { c++ } /crcstate/ && $NF == "0x8e3a" { c++ }
         /ERROR!.*crc/ { bad++ }
         END { ok = (c == 4 && !bad && t > 0) ? "yes" : "no";
               printf "score=%.1f ok=%s", (t > 0 ? n * 1e6 / t : 0), ok }' "$1"
}
median3() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
best() { printf '%s\n' "$@" | sort -g | tail -1; }
CM_NAT=""
CM_AK=""
CM_W3=""
CM_AK_BEST=""
CM_W3_BEST=""
cm_ok="-"
if [ -x "$OUT/coremark_native" ] && [ -f "$OUT/coremark.wasm" ]; then
    cm_ok=yes
    nat_s=""
    ak_s=""
    w3_s=""
    for i in 1 2 3 4 5; do
        printf 'coremark run %d/5\n' $i >&2
        "$OUT/coremark_native" >"$TAB.cm" 2>&1 || true
        r=$(cm_line "$TAB.cm")
        [ "$(field ok "$r")" = yes ] || cm_ok="no (native)"
        nat_s="$nat_s $(field score "$r")"
        "$BIN/akira-wasm" run "$OUT/coremark.wasm" >"$TAB.cm" 2>&1 || true
        r=$(cm_line "$TAB.cm")
        [ "$(field ok "$r")" = yes ] || { cm_ok="no (akira-wasm)"; cat "$TAB.cm" >&2; }
        ak_s="$ak_s $(field score "$r")"
        if [ -n "$WASM3" ]; then
            "$WASM3" "$OUT/coremark.wasm" >"$TAB.cm" 2>&1 || true
            r=$(cm_line "$TAB.cm")
            [ "$(field ok "$r")" = yes ] || { cm_ok="no (wasm3)"; cat "$TAB.cm" >&2; }
            w3_s="$w3_s $(field score "$r")"
        fi
    done
    CM_NAT=$(median3 $nat_s)
    CM_AK=$(median3 $ak_s)
    CM_AK_BEST=$(best $ak_s)
    [ -z "$w3_s" ] || { CM_W3=$(median3 $w3_s); CM_W3_BEST=$(best $w3_s); }
    echo "coremark: native $CM_NAT, akira $CM_AK, wasm3 ${CM_W3:--} (runs: native$nat_s; akira$ak_s; wasm3${w3_s:- -}), CRCs ok: $cm_ok" >&2
else
    echo "bench: no CoreMark (no ../shared/bench/coremark beside the checkout)" >&2
fi

echo "| workload | native ms | akira ms | akira/native | (best runs) | akira-wasm CLI ms | wasm3 ms | speed vs wasm3 | (best runs) | wasm-interp ms | interp/native | node ms | node/native | checksum |" >"$TAB"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|" >>"$TAB"
: >"$TAB.ratios"
: >"$TAB.w3"
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

    # the CLI as a user runs it: process start, streaming load, compile, one call;
    # wasm3's CLI alike, so the two are charged the same things
    cli=$($PT "$TAB.out" 5 "$BIN/akira-wasm" run --invoke bench "$OUT/$w.wasm")
    cli_ms=$(field median_ms "$cli")
    cli_min=$(field min_ms "$cli")
    r=$(u32 "$(sed -n 's/^i32://p' "$TAB.out")")
    [ "$r" = "$sum" ] || { ok="no (akira-wasm)"; cli_ms=""; }
    w3_ms=""
    w3_min=""
    if [ -n "$WASM3" ]; then
        w3=$($PT "$TAB.out" 5 "$WASM3" --func bench "$OUT/$w.wasm")
        w3_ms=$(field median_ms "$w3")
        w3_min=$(field min_ms "$w3")
        r=$(u32 "$(sed -n 's/^Result: //p' "$TAB.out")")
        [ "$r" = "$sum" ] || { ok="no (wasm3)"; w3_ms=""; }
    fi
    vs=$(ratio2 "$w3_ms" "$cli_ms")
    [ "$vs" = "-" ] || echo "$w $vs" >>"$TAB.w3"

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
    echo "| $w | $nat_ms | ${ak_ms:--} | $ar | $(ratio "$ak_min" "$nat_min") | ${cli_ms:--} | ${w3_ms:--} | $vs | $(ratio2 "$w3_min" "$cli_min") | ${in_ms:--} | $(ratio "$in_ms" "$nat_ms") | ${nd_ms:--} | $(ratio "$nd_ms" "$nat_ms") | $ok |" >>"$TAB"
    echo " native $nat_ms ms, akira ${ak_ms:--} ms (x$ar), akira-wasm ${cli_ms:--} ms, wasm3 ${w3_ms:--} ms (speed vs wasm3 $vs), wasm-interp ${in_ms:--} ms, node ${nd_ms:--} ms, checksum ok: $ok" >&2
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

cm_vs_w3="-"
if [ -n "$CM_W3" ] && [ -n "$CM_AK" ]; then
    cm_vs_w3=$(ratio2 "$CM_AK" "$CM_W3")
    cm_vs_w3="${cm_vs_w3}x ($CM_AK / $CM_W3 iterations/s; best runs $(ratio2 "$CM_AK_BEST" "$CM_W3_BEST")x): $(awk -v r="$cm_vs_w3" 'BEGIN { print (r >= 1.25) ? "met" : "**not met**" }')"
fi
slower=$(awk '$2 < 1.0 { printf "%s%s (%.2fx)", (n++ ? ", " : ""), $1, $2 } END { if (!n) printf "none: met"; else printf ": **not met**" }' "$TAB.w3")
[ -s "$TAB.w3" ] || slower="- (no wasm3)"
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
    echo "### Goals (issue #3, issue #15 item 3)"
    echo
    echo "| goal | target | measured |"
    echo "|---|---|---|"
    echo "| EEMBC CoreMark, akira-wasm vs wasm3 in this run | >= 1.25x wasm3's score | $cm_vs_w3 |"
    echo "| workloads slower than wasm3 (akira-wasm CLI vs wasm3 CLI, medians) | none | $slower |"
    echo "| CoreMark-like mix vs native gcc -O2 | <= 10x | ${mix_ratio} |"
    echo "| load + validate + compile, ~100 KB module | < 5 ms | $l100 ms |"
    echo "| engine text, Cortex-M4 -Os, without SIMD | <= 49152 B (issue #15) | $arm_text B ($arm_text_simd B with SIMD) |"
    echo "| RAM per instance beyond linear memory and operand stack | < 4096 B | $mix_inst B per instance; $mix_ram B with its store (call frames for 256 levels) |"
    echo
    echo "### EEMBC CoreMark 1.0 (2K performance run, iterations per CPU second, median of 5 runs; best run in brackets)"
    echo
    echo "| runner | score | vs native | vs wasm3 |"
    echo "|---|---:|---:|---:|"
    echo "| native (cc -O2, 20000 iterations) | ${CM_NAT:--} | 1 | |"
    echo "| AkiraOS engine (akira-wasm run, clang -O2 wasm32, 3000 iterations) | ${CM_AK:--} (${CM_AK_BEST:--}) | $(ratio2 "$CM_AK" "$CM_NAT") | **$(ratio2 "$CM_AK" "$CM_W3")** ($(ratio2 "$CM_AK_BEST" "$CM_W3_BEST")) |"
    echo "| wasm3 (Release -O3, same .wasm) | ${CM_W3:--} (${CM_W3_BEST:--}) | $(ratio2 "$CM_W3" "$CM_NAT") | 1 |"
    echo
    echo "CRCs (seed 0xe9f5, list 0xe714, matrix 0x1fd7, state 0x8e3a) on all runners: **$cm_ok**. The runs are a few CPU seconds, so CoreMark itself flags the score as unreportable (under 10 s); the CRCs are checked all the same."
    echo
    echo "### Speed (median ms, lower is better; ratios are to native; speed vs wasm3 = wasm3 ms / akira-wasm CLI ms, above 1 means faster than wasm3)"
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
