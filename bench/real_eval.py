#!/usr/bin/env python3
"""Accuracy on real recordings, per part, CODEX beside the Queen Mary DSP library in the same run.

Runs each estimator once per item (two at a time) over eval.py manifests and prints:
  key    MIREX weighted, exact, error classes (fifth, fourth, relative, parallel, other, null) and
         the false "no key" rate, per manifest; tonic accuracy for tonic-only items
  null   the share of drums-only items given no key (true nulls) and of tonal items given one
  tempo  Accuracy1 / Accuracy2 per part (source of the items: WaivOps style, GuitarSet, ...)
  beats  F-measure (70 ms) on items with complete beat annotations; downbeat F-measure where the
         annotation numbers the beats in the bar
Default manifests: ../shared/bench/dev/manifest.json and, if present, the locally extracted real
EDM key segments (dev-edm/manifest.json here or in ..; see ../shared/bench/README.md).

Usage: python3 bench/real_eval.py [--peer] [--manifest M ...] [--json-out F]
  --peer   also run build/bench/codex_qm_host (Queen Mary DSP) in the same run
Scoring comes from ../shared/bench/eval.py (MIREX key weights, 4% tempo tolerance).
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "bench")
sys.path.insert(0, SHARED)
import eval as ev  # noqa: E402  (the shared scorer)

try:  # beat F-measure only (Debian: python3-mir-eval, which bench/tempo_eval.sh installs)
    import mir_eval
    import numpy as np
    HAVE_MIR_EVAL = True
except ImportError:
    HAVE_MIR_EVAL = False

CLASSES = ("exact", "fifth", "fourth", "relative", "parallel", "other", "null")


def key_class(ref, est):
    if est is None:
        return "null"
    if ref == est:
        return "exact"
    (rt, rm), (et, em) = ref, est
    if rm == em and (et - rt) % 12 == 7:
        return "fifth"
    if rm == em and (et - rt) % 12 == 5:
        return "fourth"
    if rm != em and ((rm == "major" and (et - rt) % 12 == 9) or (rm == "minor" and (et - rt) % 12 == 3)):
        return "relative"
    if rm != em and et == rt:
        return "parallel"
    return "other"


def part_of(item):
    repo = item.get("source_repo") or "?"
    name = repo.split("/")[-1]
    if name.startswith("WaivOps-"):
        return name[len("WaivOps-"):]
    if name == "Demo-Page":
        return "GuitarSet"
    if name == "AugmentedGiantSteps":
        return "EDM segments"
    if name == "POP909-Dataset":  # bench/song_tempo_set.py: song-like renders, one part per drum style
        return f"POP909 renders ({item.get('style', '?')})"
    return "misc real excerpts"


def is_drums(item):
    g = (item.get("genre") or "").lower()
    return "drum loop" in g or "drums only" in g or "percussion" in g


def run_all(manifest, cmd, jobs):
    items = json.load(open(manifest))
    base = os.path.dirname(os.path.abspath(manifest))
    failed = []

    def one(item):
        f = os.path.join(base, item["file"])
        p = subprocess.run(cmd.replace("{file}", shlex.quote(f)), shell=True, capture_output=True, text=True)
        out = ev.parse_output(p.stdout)
        if p.returncode != 0 or out is None:
            failed.append(item["id"])
        return out or {}

    with ThreadPoolExecutor(jobs) as pool:
        outs = list(pool.map(one, items))
    if failed:
        print(f"!! {len(failed)} items failed to run (scored as no answer): {', '.join(failed[:10])}")
    return items, base, outs


def downbeat_refs(path):
    refs = []
    with open(path) as f:
        for line in f:
            parts = re.split(r"[\s,]+", line.strip())
            if len(parts) >= 2 and not line.startswith("#"):
                try:
                    if int(float(parts[1])) == 1:
                        refs.append(float(parts[0]))
                except ValueError:
                    return None
            elif len(parts) < 2 and line.strip():
                return None
    return refs


def report(name, items, base, outs):
    print(f"== {name}")
    keys, classes, tonic = [], Counter(), []
    tempo = defaultdict(list)
    beats_f, downs_f = [], []
    null_drum, null_tonal = [], []
    for it, o in zip(items, outs):
        est = ev.parse_key(o.get("key"))
        if it.get("key"):
            ref = ev.parse_key(it["key"])
            keys.append(ev.key_score(ref, est) if est else 0.0)
            classes[key_class(ref, est)] += 1
        if it.get("key_tonic"):
            tonic.append(est is not None and est[0] == ev.parse_tonic(it["key_tonic"]))
        if is_drums(it):
            null_drum.append(est is None)
        elif it.get("key") or it.get("key_tonic"):  # labelled tonal items only
            null_tonal.append(est is None)
        if it.get("tempo_bpm") and it.get("tempo_quality") in ("annotation", "derived", "metadata"):
            a1, a2 = ev.tempo_hits(it["tempo_bpm"], o.get("bpm"))
            tempo[part_of(it)].append((a1, a2))
        if it.get("beats_file") and it.get("beats_complete") and "beats" in o and HAVE_MIR_EVAL:
            path = os.path.join(base, it["beats_file"])
            ref = np.array(ev.load_beats(path))
            beats_f.append(mir_eval.beat.f_measure(ref, np.array(o.get("beats") or []), 0.07))
            dref = downbeat_refs(path)
            if dref and "downbeats" in o:
                downs_f.append(mir_eval.beat.f_measure(np.array(dref), np.array(o.get("downbeats") or []), 0.07))
    if keys:
        n = len(keys)
        cl = "  ".join(f"{c} {classes[c]}" for c in CLASSES)
        print(f"key    n={n:3d}  MIREX {sum(keys) / n:.3f}  exact {classes['exact'] / n:.3f}  | {cl}")
    if tonic:
        print(f"key    tonic-only items n={len(tonic)}  tonic accuracy {sum(tonic) / len(tonic):.3f}")
    if null_tonal:
        print(f"null   tonal items given no key (false null): {sum(null_tonal)}/{len(null_tonal)} = "
              f"{sum(null_tonal) / len(null_tonal):.3f}")
    if null_drum:
        print(f"null   drums-only items given no key (true null): {sum(null_drum)}/{len(null_drum)} = "
              f"{sum(null_drum) / len(null_drum):.3f}")
    all_t = []
    for part in sorted(tempo):
        v = tempo[part]
        all_t += v
        print(f"tempo  {part:20s} n={len(v):3d}  Acc1 {sum(a for a, _ in v) / len(v):.3f}  "
              f"Acc2 {sum(b for _, b in v) / len(v):.3f}")
    if all_t:
        print(f"tempo  {'all':20s} n={len(all_t):3d}  Acc1 {sum(a for a, _ in all_t) / len(all_t):.3f}  "
              f"Acc2 {sum(b for _, b in all_t) / len(all_t):.3f}")
    if beats_f:
        print(f"beats  n={len(beats_f)}  F {sum(beats_f) / len(beats_f):.3f}" +
              (f"   downbeats n={len(downs_f)}  F {sum(downs_f) / len(downs_f):.3f}" if downs_f else ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--manifest", action="append")
    ap.add_argument("--codex", default=os.path.join(ROOT, "build", "codex"))
    ap.add_argument("--peer", action="store_true", help="also run the Queen Mary DSP host")
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--json-out", help="write every output here (per manifest and tool)")
    args = ap.parse_args()
    manifests = args.manifest or [os.path.join(SHARED, "dev", "manifest.json")] + [
        m for m in (os.path.join(ROOT, "dev-edm", "manifest.json"), os.path.join(ROOT, "..", "dev-edm", "manifest.json"))
        if os.path.exists(m)][:1]
    if not HAVE_MIR_EVAL:
        print("(python3-mir-eval is not installed: beat and downbeat F-measures are skipped)")
    tools = [("codex", shlex.quote(args.codex) + " probe {file}")]
    if args.peer:
        tools.append(("qm-dsp", shlex.quote(os.path.join(ROOT, "build", "bench", "codex_qm_host")) + " {file}"))
    dump = {}
    for m in manifests:
        for name, cmd in tools:
            items, base, outs = run_all(m, cmd, args.j)
            report(f"{os.path.relpath(m, ROOT)} / {name}", items, base, outs)
            dump[f"{m}:{name}"] = {it["id"]: o for it, o in zip(items, outs)}
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(dump, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
