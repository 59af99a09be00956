#!/usr/bin/env python3
"""How well recommend predicts what a DJ plays next, for simulated DJs with known habits (issue 25).

On an analysed corpus (e.g. the real mood dev clips), three simulated DJs play sets by their habits
over the tracks' own features (as `codex export` gives them):
  climber   energy one step up each time, into the relative key (or one step round the wheel)
  jumper    a new genre each time, at a tempo within a few percent of 128 BPM
  blender   the same groove, the same tempo within 2%, the same energy give or take one
Each picks the next track at random among the unplayed ones, weighted by its habit (a softmax), so
its sets are habits, not rules. Their first 80% of sets (by time) become the corpus's history
(transitions, as an imported DJ program's history would); on the last 20%, for every transition,
`codex recommend --current FROM` is asked and the real next track looked for among its results:
HR@5, NDCG@5 and MRR (1/rank in the top 100, else 0), with the history and with --no-history.
Today's rule prior is the baseline a learned ranker must beat.

    /usr/bin/python3 bench/rank_sim.py --db /tmp/m.db [--codex build/codex] [--sets 40] [--length 12] [--seed 1]
        [--synthetic 3000]   # a library of N records cloned from the corpus's (new ids and artists; BPM
                             # within 3%, energy within 1, key anywhere on the wheel), imported into a
                             # fresh corpus with `codex import`: a larger library with real feature mixes
"""
import argparse
import json
import math
import os
import random
import shutil
import sqlite3
import subprocess
import sys


def camelot(k):
    if not isinstance(k, str) or len(k) < 2 or k[-1] not in "AB" or not k[:-1].isdigit():
        return None
    return int(k[:-1]), k[-1]


def key_bonus(a, b):
    """Relative 2, same key or one step round the wheel in the same letter 1, else 0."""
    ka, kb = camelot(a), camelot(b)
    if not ka or not kb:
        return 0.0
    if ka[0] == kb[0] and ka[1] != kb[1]:
        return 2.0
    steps = (kb[0] - ka[0]) % 12
    if ka[1] == kb[1] and steps in (0, 1, 11):
        return 1.0
    return 0.0


def habit_score(dj, cur, c):
    if dj == "climber":
        return -2.0 * abs(c["energy"] - min(10, cur["energy"] + 1)) + 1.5 * key_bonus(cur["key"], c["key"])
    if dj == "jumper":
        return (2.0 if c["genre"] != cur["genre"] else 0.0) - abs(c["bpm"] - 128.0) / 3.0
    return ((2.0 if c["groove"] == cur["groove"] else 0.0) - 60.0 * abs(c["bpm"] / cur["bpm"] - 1.0)
            - abs(c["energy"] - cur["energy"]))


def play_sets(dj, tracks, sets, length, rng):
    out = []
    ids = list(tracks)
    for _ in range(sets):
        cur = rng.choice(ids)
        played = [cur]
        while len(played) < length:
            cand = [t for t in ids if t not in played]
            scores = [habit_score(dj, tracks[cur], tracks[t]) for t in cand]
            top = max(scores)
            weights = [math.exp((s - top) / 0.5) for s in scores]
            cur = rng.choices(cand, weights)[0]
            played.append(cur)
        out.append(played)
    return out


def rank_of(codex, db, cur, nxt, history):
    cmd = [codex, "--db", db, "recommend", "--current", cur, "--top", "100", "--json"]
    if not history:
        cmd.append("--no-history")
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return None, 0
    results = json.loads(p.stdout).get("results", [])
    for i, r in enumerate(results):
        if r.get("track_id") == nxt:
            return i + 1, len(results)
    return None, len(results)


def synthesise(codex, db, n, seed, work):
    """N records cloned from the corpus's, imported into a fresh corpus; its path."""
    ex = subprocess.run([codex, "--db", db, "export"], capture_output=True, text=True, check=True)
    templates = [json.loads(line) for line in ex.stdout.splitlines()]
    rng = random.Random(seed)
    jsonl, out_db = os.path.join(work, "synthetic.jsonl"), os.path.join(work, "synthetic.db")
    with open(jsonl, "w") as f:
        for i in range(n):
            r = dict(rng.choice(templates))
            r["track_id"] = "%016x" % rng.getrandbits(64)
            r["title"], r["artist"] = "Synthetic %d" % i, "Artist %d" % (i % max(1, n // 8))
            for k in ("file_path", "description"):
                r.pop(k, None)
            if isinstance(r.get("bpm"), (int, float)):
                r["bpm"] = round(min(199.0, max(61.0, r["bpm"] * rng.uniform(0.97, 1.03))), 2)
            if isinstance(r.get("energy"), (int, float)):
                r["energy"] = max(1, min(10, int(r["energy"]) + rng.choice([-1, 0, 0, 1])))
            k = r.get("key")
            if isinstance(k, str) and k[:-1].isdigit() and k[-1:] in ("A", "B"):
                r["key"] = "%d%s" % (rng.randrange(12) + 1, k[-1])
            f.write(json.dumps(r) + "\n")
    for p in (out_db, out_db + "-wal", out_db + "-shm", out_db + ".snapshot"):
        if os.path.exists(p):
            os.remove(p)
    subprocess.run([codex, "--db", out_db, "import", jsonl], check=True, stdout=subprocess.DEVNULL)
    return out_db


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="an analysed corpus (copied; never changed)")
    ap.add_argument("--codex", default="build/codex")
    ap.add_argument("--sets", type=int, default=40)
    ap.add_argument("--length", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="/tmp/rank_sim")
    ap.add_argument("--synthetic", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    if a.synthetic:
        a.db = synthesise(a.codex, a.db, a.synthetic, a.seed, a.work)
    ex = subprocess.run([a.codex, "--db", a.db, "export"], capture_output=True, text=True, check=True)
    tracks = {}
    for line in ex.stdout.splitlines():
        r = json.loads(line)
        if not isinstance(r.get("bpm"), (int, float)) or not isinstance(r.get("energy"), (int, float)):
            continue
        genre = r.get("genre")
        tracks[r["track_id"]] = {"bpm": float(r["bpm"]), "energy": float(r["energy"]), "key": r.get("key"),
                                 "genre": genre if isinstance(genre, str) else json.dumps(genre),
                                 "groove": r.get("groove_style", "")}
    rng = random.Random(a.seed)
    # A random pick among the library finds the real next track in its top 5 this often.
    report = {"tracks": len(tracks), "sets": a.sets, "length": a.length, "seed": a.seed,
              "chance_hr5": round(5.0 / max(1, len(tracks) - 1), 3), "djs": {}}
    for dj in ("climber", "jumper", "blender"):
        sets = play_sets(dj, tracks, a.sets, a.length, rng)
        cut = int(round(0.8 * len(sets)))
        db = os.path.join(a.work, dj + ".db")
        for f in (db, db + "-wal", db + "-shm", db + ".snapshot"):
            if os.path.exists(f):
                os.remove(f)
        shutil.copy(a.db, db)
        con = sqlite3.connect(db)
        con.execute("DELETE FROM transitions")
        for s, played in enumerate(sets[:cut]):
            at = "2026-%02d-%02dT22:00:00Z" % (1 + s // 28, 1 + s % 28)
            for x, y in zip(played, played[1:]):
                con.execute("INSERT INTO transitions(from_track, to_track, at, source, set_name) VALUES(?,?,?,?,?)",
                            (x, y, at, "sim", "%s-%02d" % (dj, s)))
        con.commit()
        con.close()
        tests = [(x, y) for played in sets[cut:] for x, y in zip(played, played[1:])]
        for history in (True, False):
            hits = ndcg = mrr = 0.0
            listed = 0
            for x, y in tests:
                rank, n = rank_of(a.codex, db, x, y, history)
                listed += n
                if rank:
                    mrr += 1.0 / rank
                    if rank <= 5:
                        hits += 1
                        ndcg += 1.0 / math.log2(rank + 1)
            n = max(1, len(tests))
            report["djs"].setdefault(dj, {})["with_history" if history else "no_history"] = {
                "transitions": len(tests), "hr5": round(hits / n, 3), "ndcg5": round(ndcg / n, 3),
                "mrr": round(mrr / n, 3), "mean_results": round(listed / n, 1)}
        print(dj, json.dumps(report["djs"][dj]), file=sys.stderr, flush=True)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
