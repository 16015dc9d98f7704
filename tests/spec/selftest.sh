#!/bin/sh
# selftest.sh AKIRA_SPECTEST SELFTEST_JSON: the runner must fail selftest.wast's six
# wrong assertions (naming each line), pass its six right ones, skip the text one.
spectest=$1
json=$2
out=$("$spectest" "$json")
rc=$?
echo "$out"
fail() { echo "selftest: $1" >&2; exit 1; }
[ "$rc" -eq 1 ] || fail "exit status $rc, expected 1"
echo "$out" | grep -qx "$json: 6 passed, 6 failed, 1 skipped" || fail "wrong per-file counts"
echo "$out" | tail -n 1 | grep -qx "6 passed, 6 failed, 1 skipped" || fail "wrong total line"
for line in 12 14 15 17 21 22; do
  echo "$out" | grep -q "^  selftest.wast:$line: " || fail "line $line not reported"
done
[ "$(echo "$out" | grep -c '^  selftest.wast:')" -eq 6 ] || fail "other lines reported"
kinds=$("$spectest" --kinds "$json")
for want in "  module: 1 ok, 0 failed" "  assert_return: 4 passed, 2 failed, 0 skipped" \
            "  assert_trap: 1 passed, 2 failed, 0 skipped" \
            "  assert_invalid: 1 passed, 1 failed, 0 skipped" \
            "  assert_unlinkable: 0 passed, 1 failed, 0 skipped" \
            "  assert_malformed (text): 0 passed, 0 failed, 1 skipped"; do
  echo "$kinds" | grep -qxF "$want" || fail "--kinds lacks '$want'"
done
echo "$kinds" | tail -n 1 | grep -qx "6 passed, 6 failed, 1 skipped" || fail "--kinds: not last"
echo "selftest: ok"
