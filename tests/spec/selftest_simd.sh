#!/bin/sh
# selftest_simd.sh AKIRA_SPECTEST SELFTEST_SIMD_JSON: the runner must fail
# selftest_simd.wast's four wrong v128 assertions (naming each line) and pass its five
# right ones, so a v128 comparison that accepts everything cannot pass.
spectest=$1
json=$2
out=$("$spectest" "$json")
rc=$?
echo "$out"
fail() { echo "selftest_simd: $1" >&2; exit 1; }
[ "$rc" -eq 1 ] || fail "exit status $rc, expected 1"
echo "$out" | tail -n 1 | grep -qx "5 passed, 4 failed, 0 skipped" || fail "wrong total line"
for line in 11 14 17 20; do
  echo "$out" | grep -q "^  selftest_simd.wast:$line: " || fail "line $line not reported"
done
[ "$(echo "$out" | grep -c '^  selftest_simd.wast:')" -eq 4 ] || fail "other lines reported"
echo "selftest_simd: ok"
