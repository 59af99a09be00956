#!/usr/bin/env python3
"""Analysis throughput of `codex analyze` beside pure decoding with the ffmpeg command line.

Over a library (default: the demo library, synthesised into build/bench-demo), measures in one run:
  - ffmpeg decode:   `ffmpeg -v quiet -i FILE -f null -` per file, CPU seconds (user+sys) per minute of audio
  - codex --jobs 1:  `codex analyze --force` on one thread (decode + loudness + energy + corpus writes)
  - codex --jobs 2:  the same on two threads; parallel speed-up = wall(jobs 1) / wall(jobs 2)
Usage: python3 bench/throughput.py [--codex build/codex] [--lib DIR] [--repeat 3]
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd):
    c0, w0 = children_cpu(), time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return children_cpu() - c0, time.perf_counter() - w0, p


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--codex", default=os.path.join(root, "build", "codex"))
    ap.add_argument("--lib", default=os.path.join(root, "build", "bench-demo"))
    ap.add_argument("--repeat", type=int, default=3, help="best of N for each measurement")
    args = ap.parse_args()
    if not shutil.which("ffmpeg"):
        sys.exit("ffmpeg is needed for the peer measurement: scripts/setup.sh ffmpeg")
    if not os.path.exists(os.path.join(args.lib, "ground_truth.json")):
        subprocess.run([args.codex, "demo", "--no-analyze", "--dir", args.lib], check=True, stdout=subprocess.DEVNULL)
    exts = (".mp3", ".flac", ".m4a", ".wav", ".ogg", ".opus", ".aiff")
    files = sorted(os.path.join(args.lib, f) for f in os.listdir(args.lib) if f.lower().endswith(exts))

    best = {}
    audio_s = None
    for _ in range(args.repeat):
        cpu = 0.0
        wall = 0.0
        for f in files:
            c, w, _p = timed(["ffmpeg", "-v", "quiet", "-i", f, "-f", "null", "-"])
            cpu += c
            wall += w
        best["ffmpeg"] = min(best.get("ffmpeg", (1e9, 0)), (cpu, wall))
        for jobs in (1, 2):
            with tempfile.TemporaryDirectory() as tmp:
                db = os.path.join(tmp, "bench.db")
                c, w, p = timed([args.codex, "analyze", "--json", "--jobs", str(jobs), "--db", db] + files)
                if p.returncode != 0:
                    sys.exit(p.stderr.decode())
                summary = json.loads(p.stdout.decode().strip().splitlines()[-1])["summary"]
                audio_s = summary["audio_s"]
                key = f"codex_j{jobs}"
                best[key] = min(best.get(key, (1e9, 0)), (c, w))
    minutes = audio_s / 60.0
    print(f"library: {len(files)} files, {minutes:.1f} min of audio ({args.lib})")
    print(f"{'run':<22}{'cpu_s':>9}{'wall_s':>9}{'cpu_s/min':>11}")
    for key, label in (("ffmpeg", "ffmpeg decode (peer)"), ("codex_j1", "codex analyze -j1"), ("codex_j2", "codex analyze -j2")):
        c, w = best[key]
        print(f"{label:<22}{c:>9.2f}{w:>9.2f}{c / minutes:>11.4f}")
    ratio = best["codex_j1"][0] / best["ffmpeg"][0]
    speedup = best["codex_j1"][1] / best["codex_j2"][1]
    print(f"analyze CPU / decode CPU: {ratio:.2f}x (target <= 1.3x)")
    print(f"parallel speed-up on 2 jobs: {speedup:.2f}x (target ~2x)")


if __name__ == "__main__":
    main()
