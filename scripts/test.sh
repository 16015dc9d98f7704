#!/usr/bin/env bash
# Run the CTest suite in the plain and in the sanitizer build tree, then print one
# summary line over both: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
total_pass=0
total_fail=0
status=0
for tree in build build/asan; do
  echo "=== ctest in $tree ==="
  log=$(mktemp)
  (cd "$tree" && ctest -j "$jobs" --output-on-failure --timeout 600) 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
  if [[ -z "$line" ]]; then
    echo "test.sh: no ctest summary in $tree" >&2
    total_fail=$((total_fail + 1))
    status=1
  else
    failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    all=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
    total_pass=$((total_pass + all - failed))
    total_fail=$((total_fail + failed))
  fi
  [[ $rc -ne 0 ]] && status=1
  rm -f "$log"
done
echo "$total_pass passed, $total_fail failed"
exit $status
