#!/usr/bin/env python3
"""wasi_fuzz.py AKIRA_WASM WAT2WASM COUNT - random WASI calls must never hurt the host.

Builds COUNT deterministic random modules, each making 200 calls to the WASI functions
(preview 1 and, for half of them, the same function imported as preview 0)
with arguments drawn from edge values (0, page ends, 0xfffffff0, -1, huge lengths,
bad fds, path bytes like "..", "/etc") and runs each with a preopened sandbox. Every run
must end normally (status 0: host functions only answer errnos), within a time limit,
without a sanitizer report, and nothing may appear beside the sandbox. Files inside are
capped by RLIMIT_FSIZE, so fd_allocate/set_size of huge sizes fail with EFBIG.
"""
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile

SIGS = {
    "args_get": "ii", "args_sizes_get": "ii", "environ_get": "ii", "environ_sizes_get": "ii",
    "clock_res_get": "ii", "clock_time_get": "iIi", "random_get": "ii",
    "fd_write": "iiii", "fd_read": "iiii", "fd_pwrite": "iiiIi", "fd_pread": "iiiIi",
    "fd_seek": "iIii", "fd_tell": "ii", "fd_close": "i", "fd_sync": "i", "fd_datasync": "i",
    "fd_fdstat_get": "ii", "fd_fdstat_set_flags": "ii", "fd_fdstat_set_rights": "iII",
    "fd_filestat_get": "ii", "fd_filestat_set_size": "iI", "fd_prestat_get": "ii",
    "fd_prestat_dir_name": "iii", "fd_readdir": "iiiIi", "fd_renumber": "ii",
    "fd_advise": "iIIi", "fd_allocate": "iII", "fd_filestat_set_times": "iIIi",
    "path_open": "iiiiiIIii", "path_filestat_get": "iiiii", "path_create_directory": "iii",
    "path_remove_directory": "iii", "path_unlink_file": "iii", "path_rename": "iiiiii",
    "path_filestat_set_times": "iiiiIIi", "path_readlink": "iiiiii", "path_symlink": "iiiii",
    "path_link": "iiiiiii", "sock_recv": "iiiiii", "sock_send": "iiiii",
    "sock_shutdown": "ii", "sock_accept": "iii", "sched_yield": "",
}
I32 = [0, 1, 2, 3, 4, 5, 6, 8, 16, 24, 32, 48, 64, 100, 0x1000, 0xfff0, 0xfffc, 0xffff,
       0x10000, 0xfffffff0, -1, 0x7fffffff]
I64 = [0, 1, 2, 3, 4, 5, 64, 100, 0xfff0, -1, 1 << 40, -(1 << 63), 5_000_000_000]


def module(seed):
    rnd = random.Random(seed)
    out = ["(module"]
    for name, sig in SIGS.items():
        params = " ".join({"i": "i32", "I": "i64"}[c] for c in sig)
        params = f"(param {params}) " if params else ""
        out.append(f'  (import "wasi_snapshot_preview1" "{name}" (func ${name} {params}(result i32)))')
        if name != "sock_accept":  # preview 0: the same functions, its own layouts
            out.append(f'  (import "wasi_unstable" "{name}" (func $p0_{name} {params}(result i32)))')
    out.append('  (memory (export "memory") 1)')
    # paths at 0 ("a", "b/c", "..", "/etc", "x/../.."), iovecs at 32 (one valid, one past
    # the end of memory)
    out.append('  (data (i32.const 0) "a\\00b/c\\00..\\00/etc\\00x/../..\\00")')
    out.append('  (data (i32.const 32) "\\40\\00\\00\\00\\08\\00\\00\\00\\f0\\ff\\00\\00\\20\\00\\00\\00")')
    out.append('  (func (export "_start")')
    names = list(SIGS)
    for _ in range(200):
        name = rnd.choice(names)
        args = []
        for c in SIGS[name]:
            if c == "i":
                v = rnd.choice(I32) if rnd.random() < 0.8 else rnd.randint(-2**31, 2**31 - 1)
                args.append(f"(i32.const {v})")
            else:
                args.append(f"(i64.const {rnd.choice(I64)})")
        callee = f"p0_{name}" if name != "sock_accept" and rnd.random() < 0.5 else name
        out.append(f'    (drop (call ${callee} {" ".join(args)}))')
    out.append("  ))")
    return "\n".join(out)


def limit_files():
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))


def main():
    aw, wat2wasm, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    top = tempfile.mkdtemp(prefix="akira-wasi-fuzz.")
    failures = 0
    try:
        for seed in range(1, count + 1):
            box = os.path.join(top, "box")
            shutil.rmtree(box, ignore_errors=True)
            os.mkdir(box)
            wat, wasm = os.path.join(top, "m.wat"), os.path.join(top, "m.wasm")
            with open(wat, "w") as f:
                f.write(module(seed))
            subprocess.run([wat2wasm, wat, "-o", wasm], check=True)
            try:
                p = subprocess.run([aw, "run", "--dir", ".", wasm], cwd=box,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, timeout=60, preexec_fn=limit_files)
                rc, err = p.returncode, p.stderr.decode(errors="replace")
            except subprocess.TimeoutExpired:
                rc, err = "timeout", ""
            extra = sorted(set(os.listdir(top)) - {"box", "m.wat", "m.wasm"})
            if rc != 0 or "Sanitizer" in err or extra:
                failures += 1
                print(f"seed {seed}: status {rc}, outside the sandbox: {extra}\n{err[:2000]}")
        print(f"{count} random WASI programs, {failures} failed")
    finally:
        shutil.rmtree(top, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
