#!/usr/bin/env python3
"""The docs say what the firmware does: every option of `akiraos --help` is in the
options table of docs/native_sim.md, the boot excerpt there shows the real command
count, the board-limits table the real app slot size, and every SDK header is named
in README.md and sdk/README.md.

usage: docs_test.py AKIRAOS SOURCE_DIR
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import akira_device as ad  # noqa: E402
from akira_device import check  # noqa: E402

AKIRAOS, SRC = sys.argv[1], sys.argv[2]


def read(*path):
    with open(os.path.join(SRC, *path)) as f:
        return f.read()


def t_docs():
    native = read("docs", "native_sim.md")
    rc, out, _ = ad.run_piped(AKIRAOS, "", ["--help"])
    options = set(re.findall(r"^\s+(--[a-z-]+)", out, re.M))
    check(options, f"no options in --help: {out}")
    table = native.split("## Options", 1)[1].split("\n## ", 1)[0]
    missing = sorted(o for o in options if f"`{o}" not in table)
    check(not missing, f"options missing from docs/native_sim.md's table: {missing}")
    with ad.tempdir() as d:
        rc, out, _ = ad.run_piped(AKIRAOS, "board\npoweroff\n",
                                  ["--flash", os.path.join(d, "f.img")])
    n = re.search(r"shell: (\d+) commands", out).group(1)
    shown = re.findall(r"shell: (\d+) commands", native)
    check(shown and all(x == n for x in shown),
          f"docs/native_sim.md shows {shown} commands, the firmware has {n}")
    slot = re.search(r"slots of (\d+) KiB", out).group(1)
    row = [l for l in native.splitlines() if l.startswith("| installed apps")]
    check(row and f"{slot} KiB" in row[0], f"app slot {slot} KiB, docs/native_sim.md: {row}")
    readme, sdk = read("README.md"), read("sdk", "README.md")
    headers = sorted(h for h in os.listdir(os.path.join(SRC, "sdk", "include", "akira"))
                     if h.endswith(".h"))
    # README: the sentence that lists the headers (from "SDK headers" to the next ")").
    listing = readme.split("against the SDK headers", 1)[1].split(")", 1)[0]
    words = set(re.findall(r"[a-z0-9]+(?:\.h)?", listing))
    absent = [h for h in headers if h not in words and h[:-2] not in words]
    check(not absent, f"README.md's header list lacks {absent}: {listing!r}")
    absent = [h for h in headers if f"`{h}`" not in sdk]
    check(not absent, f"sdk/README.md's header table lacks {absent}")


if __name__ == "__main__":
    ad.main({"docs": t_docs}, "docs")
