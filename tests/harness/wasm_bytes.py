"""The WebAssembly binary format as tests build and take apart modules and packages:
LEB128, sections, custom sections. (tools/akira-wasm/wasi_p0.py, a tool that runs
without the test tree, has its own LEB128.)"""


def leb(n):
    """n (unsigned) in LEB128."""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def read_leb(data, pos):
    """(value, position after it) of the unsigned LEB128 at data[pos]."""
    v = shift = 0
    while True:
        b = data[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return v, pos


def section(sid, payload):
    """Section sid with payload (id, size, payload)."""
    return bytes([sid]) + leb(len(payload)) + payload


def custom(name, payload):
    """A custom section NAME (str or bytes) with payload."""
    name = name.encode() if isinstance(name, str) else name
    return section(0, leb(len(name)) + name + payload)


def sections(module):
    """[(start, end, name or None, payload start)] of a module's sections (the name of
    custom sections only)."""
    out, i = [], 8
    while i < len(module):
        sid = module[i]
        size, j = read_leb(module, i + 1)
        name, p = None, j
        if sid == 0:
            nl, k = read_leb(module, j)
            name, p = module[k:k + nl].decode(), k + nl
        out.append((i, j + size, name, p))
        i = j + size
    return out
