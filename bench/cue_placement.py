#!/usr/bin/env python3
"""Cue points at phrase boundaries, measured on the demo library (whose sections are known).

Usage: bench/cue_placement.py DEMO_DIR EXPORTED_REKORDBOX_XML

Reads the demo's ground_truth.json (sections: intro, main, breakdown, main, outro) and the
Rekordbox XML that `codex library export --format rekordbox` wrote, and reports, for each of
CODEX's phrase cues (Intro end, Breakdown, Drop, Outro), the share placed within one beat of the
true boundary of the same kind, and the share of true boundaries that got a cue at all. The demo is
synthesised: this checks placement on known answers, not accuracy on real music.
"""
import json
import sys
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path


def truth_boundaries(sections):
    out = {}
    labels = [s["label"] for s in sections]
    for i, s in enumerate(sections):
        if i > 0 and labels[i - 1] == "intro":
            out.setdefault("Intro end", s["start_s"])
        if s["label"] == "breakdown":
            out.setdefault("Breakdown", s["start_s"])
        if i > 0 and labels[i - 1] == "breakdown" and s["label"] == "main":
            out.setdefault("Drop", s["start_s"])
        if s["label"] == "outro":
            out.setdefault("Outro", s["start_s"])
    return out


def main():
    demo, xml = Path(sys.argv[1]), sys.argv[2]
    truth = {t["file"]: t for t in json.load(open(demo / "ground_truth.json"))}
    cues_of = {}
    for track in ET.parse(xml).getroot().iter("TRACK"):
        loc = track.get("Location")
        if not loc:
            continue
        name = Path(urllib.parse.unquote(loc.replace("file://localhost", ""))).name
        cues_of[name] = {m.get("Name"): float(m.get("Start")) for m in track.findall("POSITION_MARK")}
    kinds = ["Intro end", "Breakdown", "Drop", "Outro"]
    placed = {k: [0, 0] for k in kinds}  # within one beat, cues of that kind
    found = {k: [0, 0] for k in kinds}   # true boundaries with a cue, true boundaries
    for file, t in truth.items():
        if not t.get("bpm") or file not in cues_of:
            continue
        beat = 60.0 / t["bpm"]
        want = truth_boundaries(t["sections"])
        have = cues_of[file]
        for k in kinds:
            if k in want:
                found[k][1] += 1
                found[k][0] += k in have
            if k in have and k in want:
                placed[k][1] += 1
                placed[k][0] += abs(have[k] - want[k]) <= beat + 1e-6
    tot_p = [sum(placed[k][0] for k in kinds), sum(placed[k][1] for k in kinds)]
    tot_f = [sum(found[k][0] for k in kinds), sum(found[k][1] for k in kinds)]
    for k in kinds:
        p, f = placed[k], found[k]
        print(f"{k:10s} within one beat {p[0]}/{p[1]} ({p[0] / max(1, p[1]):.3f}); boundaries with a cue {f[0]}/{f[1]}")
    print(f"{'all':10s} within one beat {tot_p[0]}/{tot_p[1]} ({tot_p[0] / max(1, tot_p[1]):.3f}); "
          f"boundaries with a cue {tot_f[0]}/{tot_f[1]} ({tot_f[0] / max(1, tot_f[1]):.3f})")


if __name__ == "__main__":
    main()
