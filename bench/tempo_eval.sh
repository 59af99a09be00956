#!/usr/bin/env bash
# Tempo/beat (and key) accuracy of CODEX beside the Queen Mary DSP tracker and aubio, in one run,
# on ../shared/bench/dev and on the demo library; then CODEX's CPU cost per analyzer.
# Usage: bench/tempo_eval.sh [extra eval.py args]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh python3-mir-eval aubio-tools libqm-dsp-dev ffmpeg
./scripts/build.sh >/dev/null
[ -f build/bench-demo/manifest.json ] || build/codex demo --no-analyze --dir build/bench-demo >/dev/null
EVAL=../shared/bench/eval.py
for set in dev demo; do
  manifest=()
  [ "$set" = demo ] && manifest=(--manifest build/bench-demo/manifest.json)
  for tool in "codex:build/codex probe {file}" "qm-dsp:build/bench/codex_qm_host {file}" "aubio:bench/aubio_tempo.sh {file}"; do
    name=${tool%%:*}; cmd=${tool#*:}
    echo "== $set / $name"
    /usr/bin/python3 "$EVAL" -q "${manifest[@]}" --cmd "$cmd" "$@" | sed -n '/== summary ==/,$p' | grep -v "== summary"
  done
done
echo "== CPU per analyzer (demo library)"
build/bench/codex_analysis_cost build/bench-demo
