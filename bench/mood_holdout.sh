#!/usr/bin/env bash
# The honest mood figures: the dev-mood clips split by artist into two halves (a hash of the
# artist's name, as bench/rank_fit.py splits them); the mood model is fitted on one half
# (bench/mood_fit.py) and `mood_eval.py` runs on the other half's own corpus with that model
# (CODEX_MOOD_MODEL), then the other way round. No clip's artist is on both sides.
#
#   bench/mood_holdout.sh [build/codex] [dev-mood] [workdir]
#
# Prints mood_eval.py's lines for each half and the mean of each figure. The rank weights are the
# shipped ones (fitted on all the dev clips: a few numbers; see bench/rank_fit.py --half for them
# chosen on one half and read on the other).
set -euo pipefail
CODEX=$(realpath "${1:-build/codex}")
DATA=$(realpath "${2:-dev-mood}")
WORK=${3:-$(mktemp -d /tmp/mood-holdout.XXXXXX)}
HERE=$(cd "$(dirname "$0")" && pwd)
EVAL=${CODEX_MOOD_EVAL:-$HERE/../../shared/bench/mood_eval.py}
mkdir -p "$WORK"
/usr/bin/python3 - "$DATA" "$WORK" "$HERE" <<'EOF'
import json, os, sys
data, work = sys.argv[1], sys.argv[2]
sys.path.insert(0, sys.argv[3])
from rank_fit import half_of  # the one split by artist, shared with rank_fit.py --half
rows = json.load(open(os.path.join(data, "manifest.json")))
for half in "AB":
    d = os.path.join(work, half)
    os.makedirs(os.path.join(d, "audio"), exist_ok=True)
    mine = [r for r in rows if half_of(r["artist"]) == half]
    for r in mine:
        dst = os.path.join(d, r["file"])
        if not os.path.exists(dst):
            os.symlink(os.path.join(data, r["file"]), dst)
    json.dump(mine, open(os.path.join(d, "manifest.json"), "w"), indent=1)
    print(f"half {half}: {len(mine)} clips, {len(set(r['artist'] for r in mine))} artists", file=sys.stderr)
EOF
for half in A B; do
  db="$WORK/$half.db"
  [ -s "$db" ] || "$CODEX" analyze --jobs "$(nproc)" --db "$db" "$WORK/$half/audio" > /dev/null
  "$CODEX" export --db "$db" > "$WORK/$half.jsonl"
  /usr/bin/python3 "$HERE/mood_fit.py" "$WORK/$half.jsonl" "$WORK/$half" --out "$WORK/model-$half.json" | tail -1
done
for half in A B; do
  other=$([ "$half" = A ] && echo B || echo A)
  echo "== evaluated on half $half with the model fitted on half $other"
  CODEX_MOOD_MODEL="$WORK/model-$other.json" /usr/bin/python3 "$EVAL" "$CODEX" "$WORK/$half" --db "$WORK/$half.db" \
    --json "$WORK/eval-$half.json" ${CODEX_MOOD_PROMPTS:+--prompts "$CODEX_MOOD_PROMPTS"}
done
/usr/bin/python3 - "$WORK" <<'EOF'
import json, os, sys
a, b = (json.load(open(os.path.join(sys.argv[1], f"eval-{h}.json"))) for h in "AB")
print("== mean of the two held-out halves")
print(", ".join(f"{k} {(a[k] + b[k]) / 2:.3f}" for k in a if k in b and isinstance(a[k], float)))
EOF
