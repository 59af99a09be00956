#!/usr/bin/env bash
# Wall time of one `codex recommend` call (process start, corpus load, recommend, print) on a
# corpus of N analysed tracks: the analysed demo library duplicated with fresh track ids, so every
# track carries real analyses. The first call builds the record cache; later calls read it.
# Usage: bench/recommend_cli_bench.sh [N, default 10000]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
./scripts/build.sh >/dev/null
command -v sqlite3 >/dev/null || ./scripts/setup.sh sqlite3 >/dev/null
DEMO=build/bench-demo
build/codex demo --no-analyze --dir "$DEMO" >/dev/null
build/codex analyze --db "$DEMO/corpus.db" "$DEMO" >/dev/null
DB=$(mktemp -d)/big.db
cp "$DEMO/corpus.db" "$DB"
BASE=$(sqlite3 "$DB" "SELECT COUNT(*) FROM tracks")
COPIES=$(( (N + BASE - 1) / BASE - 1 ))
sqlite3 "$DB" "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $COPIES)
INSERT INTO tracks SELECT printf('%s%04d', substr(track_id, 1, 12), i), title, artist || ' ' || (i % 40), album,
  genre, tag_bpm, tag_key, duration_s, container, codec, sample_rate, channels, bit_rate, flags, added_at, updated_at
  FROM tracks, n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $COPIES)
INSERT INTO analyses SELECT printf('%s%04d', substr(track_id, 1, 12), i), analyzer, version, params_hash, confidence,
  result, created_at FROM analyses, n WHERE length(track_id) = 16;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $COPIES)
INSERT INTO locations SELECT path || '.' || i, printf('%s%04d', substr(track_id, 1, 12), i), size, mtime_ns, seen_at
  FROM locations, n;"
CURRENT=$(sqlite3 "$DB" "SELECT path FROM locations ORDER BY path LIMIT 1")
echo "tracks: $(sqlite3 "$DB" "SELECT COUNT(*) FROM tracks")"
for run in first second third; do
  /usr/bin/time -f "$run call: %e s wall, %M KB max RSS" build/codex recommend --db "$DB" --current "$CURRENT" \
    --prompt "darker but keep the energy" --top 10 >/dev/null
done
rm -rf "$(dirname "$DB")"
