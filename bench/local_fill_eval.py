#!/usr/bin/env python3
"""How well the local fill (no LLM) names what the demo library was built with, and what it says
about real recordings that have no voice.

Demo library (ground_truth.json): vocal presence (voice vs instrumental: precision, recall),
register (male/female) and style (singing/rap) of the voiced tracks, vibe against the designed
vibe, energy (Spearman against the designed energy), and the genre the tempo/groove rule guesses
when the tags are ignored. Dev set (../shared/bench/dev, all instrumental; "unknown" = too little
evidence to call): the share of tracks
wrongly heard as sung. Also checks that every exported record validates as a complete CODEX record
except for fields only an LLM or the user can give.

Usage: python3 bench/local_fill_eval.py [--codex build/codex] [--demo DIR] [--dev DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def spearman(a, b):
    def ranks(v):
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2.0
            i = j + 1
        return r
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb) if va and vb else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--codex", default="build/codex")
    ap.add_argument("--demo", default=None, help="demo library folder (default: a fresh one in a temp dir)")
    ap.add_argument("--dev", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench", "dev"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="codex-localfill-")
    demo = args.demo or os.path.join(tmp, "demo")
    subprocess.run([args.codex, "demo", "--dir", demo], check=True, stdout=subprocess.DEVNULL)
    truth = {t["file"]: t for t in json.load(open(os.path.join(demo, "ground_truth.json")))}
    out = subprocess.run([args.codex, "export", "--db", os.path.join(demo, "corpus.db")], check=True,
                         capture_output=True, text=True).stdout
    recs = [json.loads(l) for l in out.splitlines() if l.strip()]
    tp = fp = fn = tn = 0
    gender_ok = gender_n = style_ok = style_n = vibe_ok = 0
    design, measured = [], []
    for r in recs:
        t = truth.get(os.path.basename(r.get("file_path", "")))
        if not t:
            continue
        voiced_truth = t["vocal_presence"] != "instrumental"
        # A voice of unknown register leaves vocal_presence to the LLM but names a vocal_style.
        voiced = r.get("vocal_presence", "instrumental") != "instrumental" or r.get("vocal_style") not in (None, "none")
        tp += voiced and voiced_truth
        fp += voiced and not voiced_truth
        fn += voiced_truth and not voiced
        tn += not voiced and not voiced_truth
        if voiced and voiced_truth:
            gender_n += 1
            gender_ok += r.get("vocal_presence") == t["vocal_presence"]
            style_n += 1
            style_ok += r.get("vocal_style") == t["vocal_style"]
        vibe_ok += r.get("vibe") == t["vibe"]
        design.append(t["energy_design"])
        measured.append(r.get("energy", 0))
    n = tp + fp + fn + tn
    print(f"demo library: {n} tracks, {tp + fn} with a voice")
    print(f"  vocal presence: precision {tp / max(1, tp + fp):.3f} recall {tp / max(1, tp + fn):.3f} "
          f"accuracy {(tp + tn) / max(1, n):.3f}")
    print(f"  register (male/female) of detected voices: {gender_ok}/{gender_n}")
    print(f"  style (singing/rap) of detected voices:    {style_ok}/{style_n}")
    print(f"  vibe = designed vibe: {vibe_ok}/{n}   energy Spearman vs design: {spearman(design, measured):.3f}")
    # (vocal_presence and vocal_style are left to the LLM when the call is uncertain.)
    required_local = ["vocal_presence", "vocal_style", "instrumentation", "production_style", "production_quality",
                      "mixability_notes", "similar_artists", "structure", "genre", "description", "mood_tags"]
    missing = {f: sum(1 for r in recs if r.get(f) in (None, [], "")) for f in required_local}
    print("  records missing a field: " + (", ".join(f"{k} {v}" for k, v in missing.items() if v) or "none"))

    # Dev set: real recordings without voices (drum machines, guitar, piano, orchestra).
    dev_audio = os.path.join(args.dev, "audio")
    if os.path.isdir(dev_audio):
        heard = []
        calls = {}
        files = sorted(os.listdir(dev_audio))
        for f in files:
            p = subprocess.run([args.codex, "probe", os.path.join(dev_audio, f)], capture_output=True, text=True)
            if p.returncode != 0:
                continue
            v = json.loads(p.stdout)["analysis"].get("timbre", {}).get("vocals", {})
            calls[v.get("presence")] = calls.get(v.get("presence"), 0) + 1
            if v.get("presence") in ("male", "female", "voice"):
                heard.append(f"{f} ({v.get('presence')}, ratio {v.get('ratio')})")
        print(f"dev set: {len(heard)} of {len(files)} instrumental recordings heard as voiced"
              + (": " + "; ".join(heard) if heard else ""))
        print("  calls (timbre analyzer): " + ", ".join(f"{k} {v}" for k, v in sorted(calls.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    sys.exit(main())
