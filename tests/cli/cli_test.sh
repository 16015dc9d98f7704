#!/bin/sh
# cli_test.sh AKIRA_WASM APP_DIR CASE - one end-to-end check of akira-wasm.
# Runs the CLI on an app from APP_DIR and compares stdout, stderr and the exit status
# with what a user of the runner relies on. Prints the difference and exits 1 on failure.
set -u
AW=$1
APPS=$2
CASE=$3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/akira-cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail=0

# run ARGS...: runs akira-wasm with stdin from $TMP/in (if present), sets rc, out, err.
run() {
    if [ -f "$TMP/in" ]; then
        "$AW" "$@" <"$TMP/in" >"$TMP/out" 2>"$TMP/err"
    else
        "$AW" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
    fi
    rc=$?
}

expect_rc() {
    if [ "$rc" != "$1" ]; then
        echo "FAIL: exit status $rc, expected $1"
        fail=1
    fi
}

# expect_out: stdin is the exact expected stdout.
expect_out() {
    cat >"$TMP/want"
    if ! cmp -s "$TMP/want" "$TMP/out"; then
        echo "FAIL: stdout differs (want / got):"
        diff "$TMP/want" "$TMP/out"
        fail=1
    fi
}

expect_err() { # expect_err REGEX: stderr matches
    if ! grep -Eq -- "$1" "$TMP/err"; then
        echo "FAIL: stderr does not match /$1/"
        fail=1
    fi
}

case $CASE in
hello)
    run run "$APPS/hello.wasm"
    expect_rc 0
    printf 'hello, world\n' | expect_out
    expect_err '^to stderr$'
    ;;
args)
    run run --env GREETING=hi --env EMPTY= "$APPS/args.wasm" one "two words" --three
    expect_rc 0
    expect_out <<END
argc=4
argv[1]=one
argv[2]=two words
argv[3]=--three
env GREETING=hi
env EMPTY=
GREETING=hi
END
    ;;
env_isolated)
    HOST_SECRET=leak run run "$APPS/args.wasm"
    expect_rc 0
    printf 'argc=1\nGREETING=(unset)\n' | expect_out
    ;;
exit_status)
    run run "$APPS/exit.wasm" 7
    expect_rc 7
    printf 'exiting with 7\n' | expect_out
    ;;
exit_zero)
    run run "$APPS/exit.wasm" 0
    expect_rc 0
    ;;
trap_div)
    run run "$APPS/trap.wasm" div
    expect_rc 134
    printf 'before div\n' | expect_out
    expect_err '^akira-wasm: trap: integer divide by zero'
    ;;
trap_unreachable)
    run run "$APPS/trap.wasm" unreachable
    expect_rc 134
    expect_err '^akira-wasm: trap: unreachable'
    ;;
trap_oob)
    run run "$APPS/trap.wasm" oob
    expect_rc 134
    expect_err '^akira-wasm: trap: out of bounds memory access'
    ;;
trap_stack)
    run run "$APPS/trap.wasm" stack
    expect_rc 134
    expect_err '^akira-wasm: trap: call stack exhausted'
    ;;
stdin)
    printf 'line one\nline two\n' >"$TMP/in"
    run run "$APPS/cat.wasm"
    expect_rc 0
    printf 'line one\nline two\n[18 bytes]\n' | expect_out
    ;;
clock)
    run run "$APPS/clock.wasm"
    expect_rc 0
    expect_out <<END
slept >= 20ms: yes
realtime after 2020: yes
resolution ok: yes
poll stdin: 1 readable
poll timeout: 0, waited >= 30ms: yes
random differs: yes
END
    ;;
files | files_mapped | files_relative)
    mkdir "$TMP/box"
    echo keep >"$TMP/box/keep.txt"
    case $CASE in
    files) run run --dir "$TMP/box" "$APPS/files.wasm" "$TMP/box" ;;
    files_mapped) run run --dir "$TMP/box::/sandbox" "$APPS/files.wasm" /sandbox ;;
    files_relative)
        cd "$TMP/box" || exit 1
        run run --dir . "$APPS/files.wasm" .
        cd / || exit 1
        ;;
    esac
    expect_rc 0
    expect_out <<END
content: hello file
more
size: 16 regular: 1
at 6: file, now at 10
after pwrite+truncate: HELLO file (size 10)
ls d: a.txt b.txt sub
ls d: b.txt sub
ls d/sub: c.txt
ls .: keep.txt
many: 300 entries, index sum 44850
readlink: t.txt, via link: linked
nlink: 2, mtime: 2000.000000500
ls l: hard sym t.txt
files ok
END
    [ "$(ls "$TMP/box")" = keep.txt ] || { echo "FAIL: host dir not cleaned up"; fail=1; }
    ;;
escape)
    mkdir -p "$TMP/box/sub"
    echo secret >"$TMP/outside.txt"
    echo inside >"$TMP/box/inside.txt"
    echo inside2 >"$TMP/box/sub/inside2.txt"
    ln -s /etc "$TMP/box/abs_link"
    ln -s .. "$TMP/box/up_link"
    ln -s sub/inside2.txt "$TMP/box/in_link"
    ln -s loop_b "$TMP/box/loop_a"
    ln -s loop_a "$TMP/box/loop_b"
    ln -s ../.. "$TMP/box/sub/deep_link"
    ln -s sub/deep_link "$TMP/box/chain_link"
    ln -s /etc "$TMP/box/sub/abs_link2"
    run run --dir "$TMP/box" "$APPS/escape.wasm" "$TMP/box"
    expect_rc 0
    expect_out <<END
blocked open ../outside.txt: Capabilities insufficient
blocked open sub/../../outside.txt: Capabilities insufficient
blocked open /etc/passwd: Capabilities insufficient
blocked open abs_link/passwd: Capabilities insufficient
blocked open up_link/outside.txt: Capabilities insufficient
blocked stat ../outside.txt: Capabilities insufficient
blocked create ../evil.txt: Capabilities insufficient
blocked create up_link/evil.txt: Capabilities insufficient
blocked mkdir ../evil: Capabilities insufficient
blocked rename inside.txt ../evil.txt: Capabilities insufficient
blocked unlink ../outside.txt: Capabilities insufficient
blocked rmdir ..: Capabilities insufficient
blocked open made_up/outside.txt: Capabilities insufficient
blocked link ../outside.txt: Capabilities insufficient
blocked open ./../outside.txt: Capabilities insufficient
blocked open sub/./../../outside.txt: Capabilities insufficient
blocked open sub/../sub/../../outside.txt: Capabilities insufficient
blocked open ..//outside.txt: Capabilities insufficient
blocked stat up_link/: Capabilities insufficient
blocked open sub/deep_link/outside.txt: Capabilities insufficient
blocked open chain_link/outside.txt: Capabilities insufficient
blocked open sub/abs_link2/passwd: Capabilities insufficient
blocked create sub/deep_link/evil.txt: Capabilities insufficient
path_open(3, "/etc/passwd"): errno 76
path_open(3, "abs_link"): errno 76
path_open(3, "up_link/outside.txt"): errno 76
fd_write(<bad buffer>): errno 21
blocked open loop_a/x (symlink loop): Symbolic link loop
blocked open inside.txt/ (file as dir): Not a directory
blocked open 256-char name: Filename too long
inside via sub/..: inside
inside via in_link: inside2
END
    [ "$(cat "$TMP/outside.txt")" = secret ] || { echo "FAIL: outside file changed"; fail=1; }
    for f in evil.txt evil; do
        [ ! -e "$TMP/$f" ] || { echo "FAIL: $f created outside the sandbox"; fail=1; }
    done
    [ -f "$TMP/box/inside.txt" ] || { echo "FAIL: inside.txt moved"; fail=1; }
    ;;
paths)
    mkdir "$TMP/box"
    run run --dir "$TMP/box" "$APPS/paths.wasm" "$TMP/box"
    expect_rc 0
    expect_out <<END
mkdir d/: ok
mkdir ./d/e: ok
create ./d/./f.txt: ok
write: ok
stat d/../d/f.txt: file 3
stat d//f.txt: file 3
stat d/e/../f.txt: file 3
stat d/: dir
stat d/e//: dir
stat ./d/./e/.: dir
open d/f.txt/: Not a directory
stat d/f.txt/.: Not a directory
open d/nope/../f.txt: No such file or directory
rename d/f.txt d/./g.txt: ok
access ./d/g.txt: ok
symlink d/ln -> e/../g.txt: ok
stat d/ln: file 3
symlink d/up -> ..: ok
stat d/up/d/g.txt: file 3
stat d/up/: dir
unlink d/g.txt/: Not a directory
rmdir d/e/: ok
rmdir d/e/: No such file or directory
seekdir back: same entry
entries after rewind: 6
rmdir ./d//: ok
END
    [ -z "$(ls "$TMP/box")" ] || { echo "FAIL: paths left files behind"; fail=1; }
    ;;
p0_abi)
    mkdir "$TMP/box"
    run run --dir "$TMP/box" "$APPS/p0_abi.wasm"
    expect_rc 0
    expect_out <<END
path_open: ok
fd_write 10 bytes: ok
seek set(2) +2 -> 2: ok
seek cur(0) +1 -> 3: ok
seek end(1) -4 -> 6: ok
seek whence 3 -> EINVAL: ok
fd_filestat_get: ok
  filetype at 16 is regular: ok
  nlink u32 at 20 is 1: ok
  size at 24 is 10: ok
  times at 32/40/48 as preview 1 reads them: ok
  56 bytes only: ok
path_filestat_get: ok
fd_fdstat_get has no sock_accept right: ok
poll_oneoff clock: ok
  event userdata, no error, clock type: ok
END
    ;;
p0_imports)
    # the preview-0 build of a program imports from wasi_unstable where the ABIs agree
    # and keeps preview 1 only where they differ
    python3 "$(dirname "$0")/../../tools/akira-wasm/wasi_p0.py" --list "$APPS/p0/files.wasm" \
        >"$TMP/out" 2>"$TMP/err"
    rc=$?
    expect_rc 0
    grep -q '^wasi_unstable\.fd_write$' "$TMP/out" || { echo "FAIL: fd_write not moved"; fail=1; }
    grep -q '^wasi_unstable\.path_open$' "$TMP/out" || { echo "FAIL: path_open not moved"; fail=1; }
    grep -q '^wasi_snapshot_preview1\.fd_seek$' "$TMP/out" || { echo "FAIL: fd_seek moved"; fail=1; }
    if grep -v '^wasi_unstable\.' "$TMP/out" | grep -vqE '\.(fd_seek|fd_filestat_get|path_filestat_get|poll_oneoff|sock_accept)$'; then
        echo "FAIL: a preview-1 import with the same ABI was left"
        fail=1
    fi
    ;;
invoke)
    run run --invoke add "$APPS/invoke.wasm" 40 2
    expect_rc 0
    printf 'i32:42\n' | expect_out
    ;;
invoke_types)
    : >"$TMP/all"
    for c in "add 4294967295 0" "mul64 -3 5000000000" "fdiv 1 4" "half 3" "answer"; do
        # shellcheck disable=SC2086
        set -- $c
        f=$1
        shift
        run run --invoke "$f" "$APPS/invoke.wasm" "$@"
        expect_rc 0
        cat "$TMP/out" >>"$TMP/all"
    done
    cp "$TMP/all" "$TMP/out"
    expect_out <<END
i32:-1
i64:-15000000000
f64:0.25
f32:1.5
i32:42
END
    ;;
invoke_trap)
    run run --invoke idiv "$APPS/invoke.wasm" 1 0
    expect_rc 134
    expect_err '^akira-wasm: trap: integer divide by zero'
    ;;
invoke_bad_arg)
    run run --invoke add "$APPS/invoke.wasm" 1 two
    expect_rc 64
    expect_err "argument 2 'two' is not a valid i32"
    run run --invoke add "$APPS/invoke.wasm" 1
    expect_rc 64
    expect_err 'takes 2 arguments, 1 given'
    run run --invoke nope "$APPS/invoke.wasm"
    expect_rc 2
    expect_err 'no exported function nope'
    ;;
validate_ok)
    run validate "$APPS/files.wasm"
    expect_rc 0
    printf '' | expect_out
    ;;
validate_truncated)
    # a type section announcing 16 bytes, of which the file holds 2
    printf '\000asm\001\000\000\000\001\020\001\140' >"$TMP/t.wasm"
    run validate "$TMP/t.wasm"
    expect_rc 2
    expect_err 'malformed.*type section at offset 0x[0-9a-f]+: '
    printf 'junk' >"$TMP/j.wasm"
    run validate "$TMP/j.wasm"
    expect_rc 2
    expect_err 'malformed'
    ;;
validate_invalid)
    run validate "$APPS/bad_type.wasm"
    expect_rc 2
    expect_err 'invalid.*code section at offset 0x[0-9a-f]+: .*type mismatch'
    ;;
validate_simd) # an engine with SIMD (AKIRA_WASM_SIMD)
    run validate "$APPS/simd.wasm"
    expect_rc 0
    run run --invoke f "$APPS/simd.wasm"
    expect_rc 0
    printf 'i32:3\n' | expect_out
    run run --invoke g "$APPS/simd.wasm" 1
    expect_rc 64
    expect_err 'v128 arguments and results cannot be passed here'
    ;;
validate_simd_off) # an engine built without SIMD
    run validate "$APPS/simd.wasm"
    expect_rc 2
    expect_err 'unsupported.*SIMD'
    ;;
validate_missing)
    run validate "$TMP/nonexistent.wasm"
    expect_rc 2
    expect_err 'nonexistent.wasm: No such file'
    ;;
missing_import)
    run run "$APPS/needs_env.wasm"
    expect_rc 2
    expect_err 'env\.sensor_read'
    printf '' | expect_out
    ;;
bad_dir)
    run run --dir "$TMP/nope" "$APPS/hello.wasm"
    expect_rc 2
    expect_err '--dir .*nope'
    printf '' | expect_out
    run run --dir "$TMP::" "$APPS/hello.wasm"
    expect_rc 2
    expect_err 'empty guest name'
    ;;
interrupt)
    "$AW" run "$APPS/spin.wasm" >"$TMP/out" 2>"$TMP/err" &
    pid=$!
    # wait until the app runs (it prints first), then interrupt it like Ctrl-C does
    i=0
    while [ ! -s "$TMP/out" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    kill -INT $pid
    wait $pid
    rc=$?
    expect_rc 130
    printf 'spinning\n' | expect_out
    expect_err '^akira-wasm: interrupted'
    ;;
hostile)
    mkdir "$TMP/box"
    run run --dir "$TMP/box" "$APPS/hostile.wasm"
    expect_rc 0
    printf 'hostile ok\n' | expect_out
    [ -z "$(ls "$TMP/box")" ] || { echo "FAIL: hostile app created files"; fail=1; }
    ;;
epipe)
    # the reader goes away after one line; the app must see EPIPE, the runner survive
    { "$AW" run "$APPS/yes.wasm" 2>"$TMP/err"; echo $? >"$TMP/rc"; } | head -n 1 >"$TMP/out"
    rc=$(cat "$TMP/rc")
    expect_rc 3
    printf 'y\n' | expect_out
    expect_err '^write failed: Broken pipe'
    ;;
stack_option)
    # --stack sizes the operand stack: too small to run printf is a clean trap
    run run --stack 64 "$APPS/hello.wasm"
    expect_rc 134
    expect_err '^akira-wasm: trap: call stack exhausted'
    run run --stack 2m "$APPS/hello.wasm"
    expect_rc 0
    printf 'hello, world\n' | expect_out
    ;;
socket)
    # stdin is one end of a socketpair; the test holds the other end
    python3 - "$AW" "$APPS/sock.wasm" >"$TMP/out" 2>"$TMP/err" <<'PY'
import socket, subprocess, sys
a, b = socket.socketpair()
p = subprocess.Popen([sys.argv[1], "run", sys.argv[2]], stdin=b, stderr=subprocess.PIPE)
b.close()
a.sendall(b"ping")
a.shutdown(socket.SHUT_WR)
data = b""
while True:
    chunk = a.recv(256)
    if not chunk:
        break
    data += chunk
_, err = p.communicate(timeout=60)
sys.stdout.write(data.decode() + "\n")
sys.stderr.write(err.decode())
sys.exit(p.returncode)
PY
    rc=$?
    expect_rc 0
    printf 'pong:ping recv(stderr)=-1 ENOTSOCK\n' | expect_out
    ;;
max_memory)
    run run --max-memory 1m "$APPS/grow.wasm"
    expect_rc 0
    head -n 1 "$TMP/out" >"$TMP/first"
    if [ "$(cat "$TMP/first")" != "about 1 MiB" ]; then
        echo "FAIL: 1 MiB cap not honoured: $(cat "$TMP/out")"
        fail=1
    fi
    # the app's own minimum (2 pages) is over a 1-page cap: it cannot instantiate
    run run --max-memory 64k "$APPS/grow.wasm"
    expect_rc 2
    expect_err 'limit'
    run run --max-memory 5g "$APPS/grow.wasm"
    expect_rc 64
    ;;
interrupt_blocked)
    # blocked in fd_read (stdin a FIFO nobody writes) and in a long sleep: Ctrl-C ends both
    mkfifo "$TMP/fifo"
    "$AW" run "$APPS/cat.wasm" <>"$TMP/fifo" >"$TMP/out" 2>"$TMP/err" &
    pid=$!
    sleep 0.5
    kill -INT $pid
    wait $pid
    rc=$?
    expect_rc 130
    expect_err '^akira-wasm: interrupted'
    "$AW" run "$APPS/sleeper.wasm" >"$TMP/out" 2>"$TMP/err" &
    pid=$!
    sleep 0.5
    kill -INT $pid
    wait $pid
    rc=$?
    expect_rc 130
    ;;
usage)
    run frobnicate
    expect_rc 64
    expect_err '^usage: akira-wasm'
    run run --stack 1x "$APPS/hello.wasm"
    expect_rc 64
    ;;
*)
    echo "unknown case $CASE"
    exit 2
    ;;
esac
if [ $fail != 0 ]; then
    echo "--- stdout"; cat "$TMP/out"; echo "--- stderr"; cat "$TMP/err"
fi
exit $fail
