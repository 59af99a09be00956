#!/usr/bin/env python3
"""`codex train key` / `codex train tempo` simulated on the dev sets: their labels play a DJ's tags.

Analyses the EDM key segments (dev-edm/) and the POP909 song-like renders (dev-songs/) into a
fresh corpus, writes a Rekordbox XML that gives a share of the tracks their labelled key (and, for
the songs, BPM) as a DJ program would, imports it, and runs both trainers: their reports give the
held-out agreement with the tags before and after the adaptation (folds by clip: every segment of
an EDM clip, which AugmentedGiantSteps shifted into several keys, is filed under one "artist").
Then it scores every track that was NOT given a tag against its label, before and after, which is
what a DJ gains on the untagged part of the library.

    /usr/bin/python3 bench/tag_train_sim.py [--codex build/codex] [--db /tmp/tag_sim.db]
        [--tagged 0.5] [--noise 0.0] [--seed 1] [--reuse] [--param key.learned_weight=0 ...]

--noise: the share of tags moved to a neighbouring key (relative or a fifth) or the other
octave, as a careless tagger would. --reuse keeps an analysed corpus (copied afresh each run).
--param: analyzer overrides for `codex analyze`. The shipped key model was fitted on these very
EDM segments and renders, so its evidence already knows their labels; `--param
key.learned_weight=0` leaves it out, for a figure on evidence that never saw them.
"""
import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__)))
NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
ALIASES = {"Db": 1, "D#": 3, "Gb": 6, "G#": 8, "A#": 10, "Cb": 11, "E#": 5, "Fb": 4, "B#": 0}


def parse_key(text):
    tonic, mode = text.split()
    return (NAMES.index(tonic) if tonic in NAMES else ALIASES[tonic]), mode.lower().startswith("min")


def camelot_to_key(c):
    if not c:
        return None
    n, letter = int(c[:-1]), c[-1]
    minor = letter == "A"
    # Camelot 8A = A minor, 8B = C major; each step is a fifth up.
    tonic = ((n - 8) * 7 + (9 if minor else 0)) % 12
    return tonic, minor


def mirex(est, ref):
    if est is None:
        return 0.0
    if est == ref:
        return 1.0
    (et, em), (rt, rm) = est, ref
    if em == rm and ((et - rt) % 12 in (5, 7)):
        return 0.5
    if em != rm and not rm and et == (rt + 9) % 12:
        return 0.3
    if em != rm and rm and et == (rt + 3) % 12:
        return 0.3
    if em != rm and et == rt:
        return 0.2
    return 0.0


def rb_key(k):
    t, minor = k
    return NAMES[t] + ("m" if minor else "")


def load(manifest, root, kind):
    out = []
    for m in json.load(open(manifest)):
        if not m.get("key") and not m.get("tempo_bpm"):
            continue
        path = os.path.abspath(os.path.join(root, m["file"]))
        clip = m["id"].rsplit("_seg", 1)[0] if kind == "edm" else m["id"]
        out.append({"path": path, "clip": clip, "key": parse_key(m["key"]) if m.get("key") else None,
                    "bpm": m.get("tempo_bpm"), "genre": m.get("gs_genre", "pop") if kind == "edm" else "Pop"})
    return out


def noisy_key(k, rng):
    t, minor = k
    return rng.choice([((t + 3) % 12, False) if minor else ((t + 9) % 12, True), ((t + 7) % 12, minor),
                       ((t + 5) % 12, minor)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--codex", default="build/codex")
    ap.add_argument("--db", default="/tmp/tag_sim.db")
    ap.add_argument("--tagged", type=float, default=0.5)
    ap.add_argument("--noise", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--param", action="append", default=[])
    a = ap.parse_args()
    items = load("dev-edm/manifest.json", "dev-edm", "edm") + load("dev-songs/manifest.json", "dev-songs", "songs")
    base = a.db + ".analysed" + "".join("." + p.replace("=", "_") for p in a.param)
    if not (a.reuse and os.path.exists(base)):
        for f in (base, base + "-wal", base + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        params = [x for p in a.param for x in ("--param", p)]
        subprocess.run([a.codex, "--db", base, "analyze", "dev-edm/audio", "dev-songs/audio"] + params, check=True,
                       stdout=subprocess.DEVNULL)
    for f in (a.db, a.db + "-wal", a.db + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    shutil.copy(base, a.db)
    rng = random.Random(a.seed)
    # Tag whole clips, as a DJ tags tracks (a clip's segments all tagged or none).
    clips = sorted({it["clip"] for it in items})
    tagged_clips = set(rng.sample(clips, int(round(a.tagged * len(clips)))))
    xml = ['<?xml version="1.0" encoding="UTF-8"?>', '<DJ_PLAYLISTS Version="1.0.0">',
           '<PRODUCT Name="rekordbox" Version="6.0.0" Company="AlphaTheta"/>', "<COLLECTION>"]
    for i, it in enumerate(items):
        if it["clip"] not in tagged_clips:
            continue
        attrs = {"TrackID": str(i + 1), "Name": os.path.basename(it["path"]), "Artist": it["clip"], "Genre": it["genre"],
                 "Location": "file://localhost" + urllib.parse.quote(it["path"])}
        if it["key"]:
            k = noisy_key(it["key"], rng) if rng.random() < a.noise else it["key"]
            attrs["Tonality"] = rb_key(k)
        if it["bpm"]:
            b = it["bpm"] * rng.choice([0.5, 2.0]) if rng.random() < a.noise else it["bpm"]
            attrs["AverageBpm"] = "%.2f" % b
        xml.append("<TRACK " + " ".join('%s="%s"' % (k, v.replace("&", "&amp;").replace('"', "&quot;"))
                                         for k, v in attrs.items()) + "/>")
    xml += ["</COLLECTION>", '<PLAYLISTS><NODE Type="0" Name="ROOT" Count="0"/></PLAYLISTS>', "</DJ_PLAYLISTS>"]
    xml_path = a.db + ".rekordbox.xml"
    open(xml_path, "w").write("\n".join(xml) + "\n")
    subprocess.run([a.codex, "--db", a.db, "library", "import", xml_path], check=True, stdout=subprocess.DEVNULL)

    def untagged_scores():
        db = sqlite3.connect(a.db)
        by_path = {}
        for path, result, analyzer in db.execute(
                "SELECT l.path, a.result, a.analyzer FROM analyses a JOIN locations l ON l.track_id = a.track_id "
                "WHERE a.analyzer IN ('key', 'tempo')"):
            by_path.setdefault(path, {})[analyzer] = json.loads(result)
        key_sum = key_n = tempo_hit = tempo_n = 0
        for it in items:
            if it["clip"] in tagged_clips or it["path"] not in by_path:
                continue
            r = by_path[it["path"]]
            if it["key"] and "key" in r:
                key_sum += mirex(camelot_to_key(r["key"].get("key")), it["key"])
                key_n += 1
            if it["bpm"] and "tempo" in r and r["tempo"].get("bpm"):
                tempo_hit += abs(r["tempo"]["bpm"] / it["bpm"] - 1) <= 0.04
                tempo_n += 1
        return {"key_mirex": round(key_sum / max(1, key_n), 3), "key_tracks": key_n,
                "tempo_acc1": round(tempo_hit / max(1, tempo_n), 3), "tempo_tracks": tempo_n}

    before = untagged_scores()
    reports = {}
    for kind in ("key", "tempo"):
        p = subprocess.run([a.codex, "--db", a.db, "train", kind, "--json"], capture_output=True, text=True)
        reports[kind] = json.loads(p.stdout) if p.returncode == 0 else {"error": p.stderr.strip()}
    after = untagged_scores()
    print(json.dumps({"tagged_share": a.tagged, "noise": a.noise, "seed": a.seed, "params": a.param, "reports": reports,
                      "untagged_before": before, "untagged_after": after}, indent=1))


if __name__ == "__main__":
    main()
