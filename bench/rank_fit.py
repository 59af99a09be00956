#!/usr/bin/env python3
"""Fits the weights that trade mood against key, tempo, energy and the rest (rank/weights.cpp) on
real mood-labelled clips, by asking the codex binary itself (`codex recommend --weights FILE`), and
checks EDM subgenre continuity on the EDM dev segments so club music does not get worse.

    /usr/bin/python3 bench/rank_fit.py build/codex --db MOOD.db --data dev-mood [--edm-db EDM.db --edm-data dev-edm]
        [--half A|B|all] [--grid small|full] [--out weights.json]

For each weight setting: continuity@5 (the default top 5 in the current clip's quadrant) and four
steers (share of the top 5 in the quadrants a prompt asks for: more energy, calmer, sadder,
happier), the prompts drawn from the tuning two thirds of the phrasing suite (never the held-out
third). --half A / B uses only the current clips whose artist falls in that half (a hash of the
name), so a setting can be chosen on one half and reported on the other. The objective is the mean
of continuity@5 and the four steers; with --edm-db, settings whose EDM subgenre continuity@5 falls
below the default weights' are dropped.
"""
import argparse
import hashlib
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile

HIGH, LOW, POS, NEG = {"Q1", "Q2"}, {"Q3", "Q4"}, {"Q1", "Q4"}, {"Q2", "Q3"}
STEERS = {"energy_up": (LOW, HIGH), "energy_down": (HIGH, LOW), "sadder": (POS, NEG), "happier": (NEG, POS)}
SUITE_CATEGORY = {"energy_up": ["energy_up"], "energy_down": ["calmer", "energy_down"], "sadder": ["sadder"],
                  "happier": ["happier"]}
DEFAULT = {"energy": 0.10, "key": 0.18, "tempo": 0.15, "vibe": 0.15, "genre": 0.12, "mix": 0.05, "vocals": 0.05,
           "mood": 0.05, "groove": 0.06, "narrative": 0.08, "affect": 0.10, "affect_move": 1.0}


def stem(p):
    return os.path.splitext(os.path.basename(p or ""))[0]


def half_of(artist):
    return "A" if hashlib.sha1(artist.encode()).digest()[0] % 2 == 0 else "B"


def suite_prompts(path):
    ph = json.load(open(path))["phrasings"]
    out = {k: [] for k in SUITE_CATEGORY}
    for i, p in enumerate(ph):
        if i % 3 == 2:
            continue  # held out
        for k, cats in SUITE_CATEGORY.items():
            if p["category"] in cats and len(p["expect"]) == 1:
                out[k].append(p["text"])
    return out


def top5(codex, db, tid, prompt, weights_file):
    cmd = [codex, "recommend", "--db", db, "--current", tid, "--top", "5", "--json"]
    if weights_file:
        cmd += ["--weights", weights_file]
    if prompt:
        cmd += ["--prompt", prompt]
    p = subprocess.run(cmd, capture_output=True, text=True)
    try:
        return [x["track_id"] for x in json.loads(p.stdout)["results"][:5]]
    except (ValueError, KeyError):
        return []


def labelled(codex, db, manifest, label):
    ex = subprocess.run([codex, "export", "--db", db], capture_output=True, text=True).stdout
    rows = {stem(r["file"]): r for r in manifest}
    out = {}
    for line in ex.splitlines():
        if line.strip():
            r = json.loads(line)
            s = stem(r.get("file_path"))
            if s in rows and label(rows[s]):
                out[r["track_id"]] = rows[s]
    return out


def evaluate(codex, db, lab, currents, prompts, wfile):
    res = {}
    same = tot = 0
    for t in currents:
        got = [lab[x]["quadrant"] for x in top5(codex, db, t, None, wfile) if x in lab]
        same += sum(q == lab[t]["quadrant"] for q in got)
        tot += len(got)
    res["continuity5"] = same / max(1, tot)
    for name, (src, dst) in STEERS.items():
        hit = n = 0
        for i, t in enumerate(c for c in currents if lab[c]["quadrant"] in src):
            got = [lab[x]["quadrant"] for x in top5(codex, db, t, prompts[name][i % len(prompts[name])], wfile) if x in lab]
            hit += sum(q in dst for q in got)
            n += len(got)
        res[name] = hit / max(1, n)
    return res


def edm_continuity(codex, db, lab, currents, wfile):
    same = tot = 0
    for t in currents:
        got = [lab[x]["genre"] for x in top5(codex, db, t, None, wfile) if x in lab]
        same += sum(g == lab[t]["genre"] for g in got)
        tot += len(got)
    return same / max(1, tot)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("codex")
    ap.add_argument("--db", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--edm-db")
    ap.add_argument("--edm-data")
    ap.add_argument("--half", default="all")
    ap.add_argument("--grid", default="small")
    ap.add_argument("--currents", type=int, default=120)
    ap.add_argument("--suite", default=os.path.join(os.path.dirname(__file__), "..", "tests", "prompt", "data", "phrasings.json"))
    ap.add_argument("--out")
    ap.add_argument("--baseline", action="store_true", help="only the binary's own weights (an older codex)")
    a = ap.parse_args()
    manifest = json.load(open(os.path.join(a.data, "manifest.json")))
    lab = labelled(a.codex, a.db, manifest, lambda r: True)
    pool = sorted(t for t, r in lab.items() if a.half == "all" or half_of(r["artist"]) == a.half)
    currents = random.Random(7).sample(pool, min(a.currents, len(pool)))
    prompts = suite_prompts(a.suite)
    edm = None
    if a.edm_db:
        em = json.load(open(os.path.join(a.edm_data, "manifest.json")))
        seg = json.load(open(os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench", "dev_edm_segments.json")))
        genre_of = {}
        for s in seg.get("segments", []):
            genre_of[s["id"]] = s.get("gs_genre")
        for r in em:
            r["genre"] = r.get("genre") or genre_of.get(stem(r["file"]))
        edm_lab = labelled(a.codex, a.edm_db, em, lambda r: bool(r.get("genre")))
        edm = (edm_lab, random.Random(7).sample(sorted(edm_lab), min(80, len(edm_lab))))
    if a.grid == "small":
        grid = {"affect": [0.5, 1.0, 2.0], "energy": [0.1, 0.25], "key": [0.09], "tempo": [0.15]}
    else:
        grid = {"affect": [0.1, 0.2, 0.4], "affect_move": [0.5, 1.0, 2.0], "energy": [0.1, 0.25]}
    if a.baseline:
        r = evaluate(a.codex, a.db, lab, currents, prompts, None)
        if edm:
            r["edm_subgenre5"] = edm_continuity(a.codex, a.edm_db, edm[0], edm[1], None)
        print("baseline " + " ".join(f"{k} {v:.3f}" for k, v in r.items()))
        return
    tmp = tempfile.mkdtemp(prefix="rank-fit-")
    results = []
    base_edm = None
    for values in [None] + list(itertools.product(*grid.values())):
        w = dict(DEFAULT)
        if values:
            w.update(dict(zip(grid.keys(), values)))
        wfile = os.path.join(tmp, "w.json")
        json.dump({"format": "codex-rank-weights", "version": 1, "weights": w}, open(wfile, "w"))
        r = evaluate(a.codex, a.db, lab, currents, prompts, wfile)
        r["objective"] = (r["continuity5"] + sum(r[k] for k in STEERS)) / 5
        if edm:
            r["edm_subgenre5"] = edm_continuity(a.codex, a.edm_db, edm[0], edm[1], wfile)
            if values is None:
                base_edm = r["edm_subgenre5"]
        tag = "default" if values is None else " ".join(f"{k}={v}" for k, v in zip(grid.keys(), values))
        print(f"{tag:<45} " + " ".join(f"{k} {v:.3f}" for k, v in r.items()), flush=True)
        results.append((r, w, tag))
    ok = [x for x in results if base_edm is None or x[0]["edm_subgenre5"] >= base_edm - 1e-9]
    best = max(ok, key=lambda x: x[0]["objective"])
    print("best:", best[2], json.dumps(best[0]))
    if a.out:
        json.dump({"format": "codex-rank-weights", "version": 1, "weights": best[1]}, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
