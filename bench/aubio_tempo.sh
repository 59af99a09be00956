#!/usr/bin/env bash
# Benchmark peer: aubio's beat tracker (Debian's aubio-tools). Prints {"bpm", "beats"} for eval.py;
# bpm is 60 / the median inter-beat interval.
set -euo pipefail
aubiotrack -i "$1" 2>/dev/null | python3 -c '
import json, sys
beats = [float(l.split()[0]) for l in sys.stdin if l.strip()]
ibi = sorted(b - a for a, b in zip(beats, beats[1:]))
bpm = 60.0 / ibi[len(ibi) // 2] if ibi else None
print(json.dumps({"bpm": bpm, "beats": beats}))'
