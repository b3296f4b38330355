#!/usr/bin/env python3
"""Lists the functions longer than 80 lines in the given Rust source trees; exits 1 if any.

A function is counted from its `fn` line to the first line, at the same indent, that closes it.
The project keeps every function of src/ and sandbox/src/ within 80 lines: a longer one does
more than one thing.
"""
import pathlib
import re
import sys

LIMIT = 80
START = re.compile(
    r'^(\s*)(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?(extern\s+"C"\s+)?fn\s+(\w+)'
)


def long_functions(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        m = START.match(line)
        if not m:
            continue
        indent = m.group(1)
        end = i
        for j in range(i, len(lines)):
            end = j
            closing = lines[j].startswith(indent + "}") and not lines[j].startswith(indent + "} else")
            # A declaration without a body (a trait's or an extern block's) ends at its `;`.
            bodiless = j > i and lines[j].rstrip().endswith(";") and "{" not in "".join(lines[i : j + 1])
            if closing or bodiless:
                break
        if end - i + 1 > LIMIT:
            yield i + 1, m.group(8), end - i + 1


found = 0
for root in sys.argv[1:]:
    for path in sorted(pathlib.Path(root).rglob("*.rs")):
        for line, name, length in long_functions(path):
            found += 1
            print(f"{path}:{line}: {name} is {length} lines (at most {LIMIT})")
sys.exit(1 if found else 0)
