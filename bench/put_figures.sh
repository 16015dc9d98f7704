#!/bin/sh
# put_figures.sh RESULTS_MD NAME FIGURES_FILE: replace what stands between the lines
# `<!-- NAME:begin -->` and `<!-- NAME:end -->` of RESULTS_MD with FIGURES_FILE (the
# benchmarks' way of rewriting their block of bench/RESULTS.md, method text kept).
# Does nothing when the file or its markers are missing.
set -eu
results=$1
name=$2
fig=$3
if [ -f "$results" ] && grep -q "<!-- $name:begin -->" "$results"; then
    new=$(mktemp)
    awk -v fig="$fig" -v b="<!-- $name:begin -->" -v e="<!-- $name:end -->" '
        $0 == b { print; while ((getline l < fig) > 0) print l; skip = 1; next }
        $0 == e { skip = 0 }
        !skip { print }' "$results" >"$new" && cat "$new" >"$results"
    rm -f "$new"
    echo "figures written to $results" >&2
fi
