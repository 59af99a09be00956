#!/usr/bin/env bash
# Retrieval on real recordings, end to end as a user runs it: analyse a labelled set into a scratch
# corpus, export with embeddings (the summary fallback), train codex-embed on the same corpus
# (unsupervised: the labels are never read), export again, and score both with bench/embed_eval.py.
# Usage: bench/embed_real.sh CODEX_BINARY AUDIO_DIR MANIFEST.json [OUT_DIR] [train options...]
#   e.g. bench/embed_real.sh build/codex ../dev-edm/audio ../dev-edm/manifest.json
set -euo pipefail
codex=$(realpath "$1"); audio=$2; manifest=$3; out=${4:-/tmp/codex-embed-real}; shift 3; shift || true
here=$(dirname "$(realpath "$0")")
rm -rf "$out"; mkdir -p "$out"
"$codex" analyze --db "$out/set.db" "$audio" >/dev/null
"$codex" export --embeddings --db "$out/set.db" >"$out/fallback.jsonl"
echo "== without a trained model (summary fallback)"
python3 "$here/embed_eval.py" "$out/fallback.jsonl" "$manifest"
echo "== after codex train embed"
if "$codex" train embed --db "$out/set.db" "$@"; then
  "$codex" export --embeddings --db "$out/set.db" >"$out/learned.jsonl"
  python3 "$here/embed_eval.py" "$out/learned.jsonl" "$manifest"
fi
