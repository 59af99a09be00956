#!/usr/bin/env bash
# Key accuracy of CODEX beside the Queen Mary DSP key detector, in one run: on chord progressions
# rendered with real instrument samples by ../shared/bench/synth_keys.py (FluidSynth + the GM
# soundfont), on the demo library, and on ../shared/bench/dev. MIREX weighted score and exact
# accuracy from ../shared/bench/eval.py.
# Usage: bench/key_eval.sh [N items, default 48] [seed, default 1]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-48}
SEED=${2:-1}
./scripts/setup.sh fluidsynth fluid-soundfont-gm libqm-dsp-dev python3-mir-eval
./scripts/build.sh >/dev/null
[ -f "build/keys-s$SEED/manifest.json" ] || python3 ../shared/bench/synth_keys.py "build/keys-s$SEED" --n "$N" --seed "$SEED" >/dev/null
[ -f build/bench-demo/manifest.json ] || build/codex demo --no-analyze --dir build/bench-demo >/dev/null
EVAL=../shared/bench/eval.py
for set in "synth_keys(seed $SEED):build/keys-s$SEED/manifest.json" "demo:build/bench-demo/manifest.json" "dev:../shared/bench/dev/manifest.json"; do
  name=${set%%:*}; manifest=${set#*:}
  for tool in "codex:build/codex probe {file}" "qm-dsp:build/bench/codex_qm_host {file}"; do
    echo "== $name / ${tool%%:*}"
    /usr/bin/python3 "$EVAL" -q --tasks key --manifest "$manifest" --cmd "${tool#*:}" | grep -E "^key|^speed"
  done
done
