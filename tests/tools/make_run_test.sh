#!/bin/sh
# make_run_test.sh SRC: `make run` builds only what it runs (the firmware, the akira tool,
# the SDK examples), not every test and fuzzer: each build command it would run names
# its targets, and those are the run targets only. `make build` still builds everything.
set -eu
src=$1
plan=$(make -n -C "$src" run)
echo "$plan" | grep -q 'scripts/run.sh' || { echo "FAIL: make run does not boot"; exit 1; }
builds=$(echo "$plan" | grep 'cmake --build' || true)
[ -n "$builds" ] || { echo "FAIL: make run builds nothing"; exit 1; }
echo "$builds" | while read -r line; do
  case $line in
    *"--target akiraos akira akiraos_image sdk_examples"*) ;;
    *) echo "FAIL: make run builds more than it runs: $line"; exit 1 ;;
  esac
done
make -n -C "$src" build | grep 'cmake --build' | grep -qv -- '--target' ||
  { echo "FAIL: make build no longer builds everything"; exit 1; }
echo ok
