#!/bin/sh
# aot_diff.sh AKIRA_AOT AOT_DIFF BENCH_DIR FUZZ_DIR SPEC_DIR - the differential test.
# Compiles the bench workloads, the fuzz seeds (engine-seeds: the fuzz seed .wat files;
# the spec modules among them are taken from SPEC_DIR, compiled there at build time)
# and the fuzz corpus with one akira-aot run each, into a temporary folder, then runs
# aot_diff over them and the spec modules.
set -eu
AOT=$1
DIFF=$2
BENCH=$3
FUZZ=$4
SPEC=$5
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
i=0
for f in "$BENCH"/*.wasm "$FUZZ"/engine-seeds/hand-*.wasm \
    "$FUZZ"/fuzz_engine-corpus/*; do
    [ -f "$f" ] || continue
    i=$((i + 1))
    cp "$f" "$TMP/m$i.wasm"
done
"$AOT" -O1 -q --each "$TMP"/*.wasm
# the spec's SIMD scripts are not compiled (tests/spec: the AOT run is the scalar suite)
"$DIFF" "$TMP"/*.wasm $(ls "$SPEC"/*/*.wasm | grep -v -e /selftest -e /simd_)
