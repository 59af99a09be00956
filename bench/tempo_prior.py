#!/usr/bin/env python3
"""The tempo octave on songs as well as loops: one run of CODEX (with any --param settings) over
  - ../shared/bench/dev: Accuracy1 / Accuracy2, and how many of its 14 real (non-WaivOps) items
    are right;
  - dev-songs (bench/song_tempo_set.py, POP909 song-like renders): Accuracy1, and in 70-110 BPM;
  - dev-mood (438 real song clips, no tempo labels): how often CODEX agrees with Queen Mary, reads
    double its tempo, or reads above 150 BPM (Queen Mary's tempi are cached in
    build/bench-cache/mood_qm_tempo.json on the first run);
  - dev-edm (real EDM segments): how many land in their genre's usual DJ range.
Used to choose the tempo prior (120 BPM, one octave wide). Two probes at a time; about 2.5 minutes.

    /usr/bin/python3 bench/tempo_prior.py [tempo.prior_center_bpm=126 tempo.prior_octaves=1.5 ...]
"""
import collections
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CODEX = os.path.join(ROOT, "build", "codex")
QM = os.path.join(ROOT, "build", "bench", "codex_qm_host")
# Where DJs file each GiantSteps genre (BPM).
RANGES = {"drum-and-bass": (160, 182), "dubstep": (135, 152), "trance": (124, 146), "psy-trance": (134, 152),
          "house": (110, 132), "deep-house": (110, 132), "tech-house": (110, 132), "progressive-house": (110, 132),
          "electro-house": (110, 134), "minimal": (110, 132), "indie-dance nu-disco": (95, 132), "techno": (115, 152),
          "breaks": (110, 142), "glitch-hop": (90, 118), "hardcore hard-techno": (140, 210)}


def bpm(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
        return float(json.loads(p.stdout).get("bpm") or 0)
    except (OSError, ValueError, AttributeError):
        return 0.0


def within(b, ref, multiples=(1,)):
    return any(abs(b - m * ref) <= 0.04 * m * ref for m in multiples)


def accuracy(pairs, multiples=(1,)):
    """Share of (estimate, manifest item) pairs within 4% of the labelled tempo (or a multiple)."""
    return sum(within(x, i["tempo_bpm"], multiples) for x, i in pairs) / max(1, len(pairs))


def run_all(paths, extra):
    with ThreadPoolExecutor(2) as ex:
        return list(ex.map(lambda f: bpm([CODEX, "probe", *extra, f]), paths))


def manifest(path):
    return os.path.dirname(path), json.load(open(path))


def main():
    extra = sum((["--param", p] for p in sys.argv[1:]), [])
    if not os.path.exists(CODEX):
        sys.exit(f"{CODEX} is missing: build first (./scripts/build.sh)")
    out = []
    dev = os.path.join(ROOT, "..", "shared", "bench", "dev", "manifest.json")
    if not os.path.exists(dev):
        sys.exit(f"{dev} is missing (the shared dev set)")
    base, items = manifest(dev)
    items = [i for i in items if i.get("tempo_bpm") and i.get("tempo_quality") in ("annotation", "derived", "metadata")]
    b = run_all([os.path.join(base, i["file"]) for i in items], extra)
    pairs = list(zip(b, items))
    real = [(x, i) for x, i in pairs if "waivops" not in i["id"]]
    out.append(f"dev A1 {accuracy(pairs):.3f} A2 {accuracy(pairs, (1, 2, 3, .5, 1 / 3)):.3f} "
               f"(real {round(accuracy(real) * len(real))}/{len(real)})")
    songs = os.path.join(ROOT, "dev-songs", "manifest.json")
    if os.path.exists(songs):
        base, items = manifest(songs)
        b = run_all([os.path.join(base, i["file"]) for i in items], extra)
        pairs = list(zip(b, items))
        band = [(x, i) for x, i in pairs if 70 <= i["tempo_bpm"] < 110]
        out.append(f"songs A1 {accuracy(pairs):.3f} 70-110 BPM {accuracy(band):.3f}")
    mood = os.path.join(ROOT, "dev-mood", "manifest.json")
    if os.path.exists(mood) and os.path.exists(QM):  # (codex_qm_host needs libqm-dsp-dev: bench/key_eval.sh installs it)
        base, items = manifest(mood)
        paths = [os.path.join(base, i["file"]) for i in items]
        cache = os.path.join(ROOT, "build", "bench-cache", "mood_qm_tempo.json")
        qm = json.load(open(cache)) if os.path.exists(cache) else {}
        if set(qm) != {i["id"] for i in items} or not all(qm.values()):
            with ThreadPoolExecutor(2) as ex:
                qm = dict(zip([i["id"] for i in items], ex.map(lambda f: bpm([QM, f]), paths)))
            os.makedirs(os.path.dirname(cache), exist_ok=True)
            json.dump(qm, open(cache, "w"))
        b = run_all(paths, extra)
        q = [qm[i["id"]] for i in items]
        out.append(f"mood clips: as Queen Mary {sum(1 for x, r in zip(b, q) if r and within(x, r))}, "
                   f"double it {sum(1 for x, r in zip(b, q) if r and within(x, 2 * r))}, "
                   f"above 150 {sum(1 for x in b if x > 150)} of {len(items)}")
    edm = os.path.join(ROOT, "dev-edm", "manifest.json")
    if os.path.exists(edm):
        base, items = manifest(edm)
        items = [i for i in items if i["genre"][5:-1] in RANGES]
        b = run_all([os.path.join(base, i["file"]) for i in items], extra)
        hit, n = collections.Counter(), collections.Counter()
        for x, i in zip(b, items):
            g = i["genre"][5:-1]
            n[g] += 1
            hit[g] += RANGES[g][0] <= x <= RANGES[g][1]
        out.append(f"EDM in genre range {sum(hit.values())}/{len(items)} (drum & bass {hit['drum-and-bass']}/"
                   f"{n['drum-and-bass']}, dubstep {hit['dubstep']}/{n['dubstep']})")
    print(" ".join(sys.argv[1:]) or "defaults", "|", " | ".join(out), flush=True)


if __name__ == "__main__":
    main()
