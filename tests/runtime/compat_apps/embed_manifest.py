#!/usr/bin/env python3
"""Appends a JSON manifest to a .wasm as the custom section ".akira.manifest", the
layout upstream AkiraOS's build embeds (docs/compat.md): section id 0, the section
size, the name's length and name, then the JSON file's bytes as they are. Any older
section of that name is removed first.

usage: embed_manifest.py IN.wasm MANIFEST.json OUT.wasm"""
import sys

NAME = b".akira.manifest"


def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def read_leb(data, pos):
    n = shift = 0
    while True:
        b = data[pos]
        pos += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, pos


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
