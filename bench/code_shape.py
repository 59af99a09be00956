#!/usr/bin/env python3
"""The shape of the code: lines per part, include edges between parts, and the longest functions.

    python3 bench/code_shape.py [ROOT]      # ROOT: a checkout (default: this one)

Parts are src/codex/<part>, src/cli and src/server (as in docs/ARCHITECTURE.md). A function is a
definition that starts at column 0 and ends at the next line holding only "}" (the codebase keeps
namespaces unindented), so lambdas and class bodies count within their function.
"""
import collections
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = os.path.join(root, "src")


def part_of(rel):
    if rel.startswith("codex/semantic/gemini_client."):
        return "llm"
    if rel.startswith("codex/"):
        return rel.split("/")[1]
    return rel.split("/")[0]


lines = collections.Counter()
edges = collections.Counter()
functions = []
start = re.compile(r"^[A-Za-z_][^;]*\)\s*(const\s*)?(override\s*)?(noexcept\s*)?(->\s*[^{]+)?\{\s*$")
for dirpath, _, files in os.walk(src):
    for name in files:
        if not name.endswith((".cpp", ".h")):
            continue
        path = os.path.join(dirpath, name)
        rel = os.path.relpath(path, src)
        part = part_of(rel)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read().split("\n")
        lines[part] += len(text)
        for line in text:
            m = re.match(r'\s*#\s*include\s*"((codex/[^"]+)|(server/[^"]+))"', line)
            if m:
                to = part_of(m.group(1))
                if to != part:
                    edges[(part, to)] += 1
        if name.endswith(".cpp"):
            i = 0
            while i < len(text):
                if start.match(text[i]) and not text[i].startswith(("namespace", "struct", "class", "enum", "union")):
                    j = i + 1
                    while j < len(text) and text[j] != "}":
                        j += 1
                    head = text[i].split("(")[0].split()[-1] if "(" in text[i] else text[i]
                    functions.append((j - i + 1, f"{rel}:{i + 1}", head))
                    i = j
                i += 1

print("lines per part")
for part, n in sorted(lines.items(), key=lambda x: -x[1]):
    print(f"  {part:10s} {n:6d}")
print(f"  {'total':10s} {sum(lines.values()):6d}")
print(f"\ninclude edges between parts: {len(edges)} pairs, {sum(edges.values())} includes")
for (a, b), n in sorted(edges.items()):
    if a in ("cli", "server"):
        print(f"  {a} -> {b}: {n}")
functions.sort(reverse=True)
print(f"\nfunctions over 100 lines: {sum(1 for f in functions if f[0] > 100)}; the 10 longest:")
for n, where, name in functions[:10]:
    print(f"  {n:4d}  {name}  ({where})")
