#!/usr/bin/env python3
"""docs/ui.md documents every widget type with its picture: each type name of
akira_ui_type_name() has a table row in docs/ui.md whose image is a golden file that
exists, and every golden image the doc shows exists.

usage: docs_ui_test.py SOURCE_DIR"""
import os
import re
import sys

src = sys.argv[1]
doc = open(os.path.join(src, "docs", "ui.md")).read()
core = open(os.path.join(src, "ui", "src", "core.c")).read()
names = re.search(r"static const char \*const names\[AKIRA_UI_TYPE_COUNT\] = \{(.*?)\};", core, re.S)
types = [n for n in re.findall(r'"([a-z_]+)"', names.group(1)) if n != "screen"]
bad = []
if len(types) != 32:
    bad.append(f"expected 32 widget types, core.c names {len(types)}")
for t in types:
    row = [l for l in doc.splitlines() if l.startswith(f"| `{t}` |")]
    if not row or f"golden/{t}_light.png" not in row[0]:
        bad.append(f"no row with a picture for {t}")
for img in re.findall(r"\(\.\./(tests/ui/golden/[a-z_]+\.png)\)", doc):
    if not os.path.exists(os.path.join(src, img)):
        bad.append(f"missing picture {img}")
if bad:
    print("\n".join(bad))
    sys.exit(1)
print(f"docs/ui.md: {len(types)} widget types with pictures")
