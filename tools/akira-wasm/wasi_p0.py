#!/usr/bin/env python3
"""wasi_p0.py IN.wasm OUT.wasm | --list IN.wasm

Turns a WASI preview-1 program into a preview-0 one where the two ABIs agree: every
function import from "wasi_snapshot_preview1" whose preview-0 twin has the same
signature and the same memory layouts is moved to module "wasi_unstable". The imports
whose ABI differs (fd_seek's whence, the filestat of fd_filestat_get and
path_filestat_get, the clock subscription of poll_oneoff) and sock_accept, which
preview 0 lacks, stay preview-1 imports, so the
program keeps working on a runner that serves both modules (akira-wasm, the device).
Only the import section is rewritten; everything else is copied byte for byte.

--list prints every import as MODULE.NAME, one a line.
"""
import sys

P1, P0 = b"wasi_snapshot_preview1", b"wasi_unstable"
DIFFERENT = {b"fd_seek", b"fd_filestat_get", b"path_filestat_get", b"poll_oneoff",
             b"sock_accept"}


def uleb(data, pos):
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


def enc(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def name(data, pos):
    n, pos = uleb(data, pos)
    return data[pos:pos + n], pos + n


def import_desc_end(data, pos, kind):
    """End of an import's description (kind byte already read)."""
    if kind == 0:  # func: type index
        return uleb(data, pos)[1]
    if kind == 1:  # table: reftype, limits
        pos += 1
    if kind in (1, 2):  # limits
        flags = data[pos]
        pos = uleb(data, pos + 1)[1]
        return uleb(data, pos)[1] if flags & 1 else pos
    if kind == 3:  # global: valtype, mutability
        return pos + 2
    raise ValueError(f"unknown import kind {kind}")


def imports(data, pos):
    """Yields (module, name, kind, raw description) for each import of the section."""
    count, pos = uleb(data, pos)
    for _ in range(count):
        mod, pos = name(data, pos)
        nm, pos = name(data, pos)
        kind = data[pos]
        end = import_desc_end(data, pos + 1, kind)
        yield mod, nm, kind, data[pos:end]
        pos = end


def sections(data):
    if data[:8] != b"\0asm\1\0\0\0":
        raise ValueError("not a wasm module (version 1)")
    pos = 8
    while pos < len(data):
        sid = data[pos]
        size, body = uleb(data, pos + 1)
        yield sid, data[pos:body + size], body, body + size
        pos = body + size


def main(argv):
    if len(argv) == 3 and argv[1] == "--list":
        data = open(argv[2], "rb").read()
        for sid, _, body, _ in sections(data):
            if sid == 2:
                for mod, nm, _, _ in imports(data, body):
                    print(f"{mod.decode()}.{nm.decode()}")
        return 0
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 64
    data = open(argv[1], "rb").read()
    out = bytearray(data[:8])
    moved = 0
    for sid, raw, body, _ in sections(data):
        if sid != 2:
            out += raw
            continue
        entries = list(imports(data, body))
        sec = bytearray(enc(len(entries)))
        for mod, nm, kind, desc in entries:
            if mod == P1 and kind == 0 and nm not in DIFFERENT:
                mod = P0
                moved += 1
            sec += enc(len(mod)) + mod + enc(len(nm)) + nm + desc
        out += bytes([2]) + enc(len(sec)) + sec
    if moved == 0:
        sys.stderr.write(f"{argv[1]}: no {P1.decode()} import to move\n")
        return 1
    open(argv[2], "wb").write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
