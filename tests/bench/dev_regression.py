#!/usr/bin/env python3
"""The real recordings of the dev set may not score worse than today.

Runs ../shared/bench/eval.py over ../shared/bench/dev with `codex probe` and compares tempo
Accuracy1 and Accuracy2, key tonic accuracy and beat F-measure with the floors in dev_floors.json
(today's figures). Exits 77 (skipped) when the dev set is not beside the checkout, 1 on a drop.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: dev_regression.py CODEX_BINARY BENCH_DIR")
    codex, bench = sys.argv[1], sys.argv[2]
    evaluator = os.path.join(bench, "eval.py")
    if not os.path.exists(evaluator) or not os.path.exists(os.path.join(bench, "dev", "manifest.json")):
        print(f"skipped: no dev set at {bench}")
        sys.exit(77)
    with open(os.path.join(HERE, "dev_floors.json")) as f:
        floors = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "dev.json")
        run = subprocess.run(["/usr/bin/python3", evaluator, "--cmd", f"'{codex}' probe {{file}}", "-q",
                              "--json-out", out], capture_output=True, text=True, timeout=900)
        if run.returncode != 0 or not os.path.exists(out):
            print(run.stdout[-2000:], run.stderr[-2000:])
            sys.exit("eval.py failed")
        with open(out) as f:
            summary = json.load(f)["summary"]
    failed = False
    if summary.get("errors"):
        print(f"FAIL {summary['errors']} items could not be analysed")
        failed = True
    for name, floor in floors.items():
        if name == "about":
            continue
        got = summary.get(name)
        if got is None:
            print(f"FAIL {name}: not measured (is python3-mir-eval installed?)")
            failed = True
        elif got < floor - 5e-4:
            print(f"FAIL {name}: {got:.4f}, below today's {floor:.4f}")
            failed = True
        else:
            print(f"ok   {name}: {got:.4f} (floor {floor:.4f})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
