#!/usr/bin/env python3
"""Appends a JSON manifest to a .wasm as the custom section ".akira.manifest", the
layout upstream AkiraOS's build embeds (docs/compat.md): section id 0, the section
size, the name's length and name, then the JSON file's bytes as they are. Any older
section of that name is removed first.

usage: embed_manifest.py IN.wasm MANIFEST.json OUT.wasm"""
import os
import sys

# LEB128 as tools/akira-wasm/wasi_p0.py reads and writes it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "tools", "akira-wasm"))
from wasi_p0 import enc as leb, uleb as read_leb  # noqa: E402

NAME = b".akira.manifest"


def main():
    src, manifest, dst = sys.argv[1:4]
    data = open(src, "rb").read()
    if data[:4] != b"\0asm":
        sys.exit(f"{src}: not a wasm module")
    out = bytearray(data[:8])
    pos = 8
    while pos < len(data):
        start = pos
        sid = data[pos]
        size, body = read_leb(data, pos + 1)
        end = body + size
        keep = True
        if sid == 0:
            nlen, p = read_leb(data, body)
            keep = data[p:p + nlen] != NAME
        if keep:
            out += data[start:end]
        pos = end
    payload = leb(len(NAME)) + NAME + open(manifest, "rb").read()
    out += b"\0" + leb(len(payload)) + payload
    open(dst, "wb").write(bytes(out))


if __name__ == "__main__":
    main()
