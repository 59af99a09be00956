#!/usr/bin/env bash
# The booth at scale, for each N: a corpus of N imported tracks (codex_snapshot_bench: snapshot
# build time and size, in-process recommend latency), then `codex recommend` wall time and peak
# RSS including process start (5 calls on the mapped snapshot), then `codex serve` on it: memory,
# page load (the page's files and its first API calls over HTTP), and a bounded load test of 50
# concurrent clients (codex_serve_load).
# Usage: bench/booth_bench.sh [N ...]   (default 10000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)
command -v sqlite3 >/dev/null && command -v bc >/dev/null && command -v curl >/dev/null || ./scripts/setup.sh sqlite3 bc curl
B=build/bench
CODEX=build/codex
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
SERVER=
for N in "${SIZES[@]}"; do
  DB=$WORK/lib$N.db
  echo "== $N tracks"
  $B/codex_snapshot_bench "$N" "$DB"
  CURRENT=$(sqlite3 "$DB" "SELECT track_id FROM records ORDER BY track_id LIMIT 1 OFFSET $((N / 2))")
  for run in 1 2 3 4 5; do
    /usr/bin/time -f "codex recommend: %e s wall, %M KB max RSS" $CODEX recommend --db "$DB" --current "$CURRENT" \
      --prompt "darker but keep the energy" --top 10 >/dev/null
  done
  $CODEX serve --db "$DB" --port 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
  SERVER=$!
  for _ in $(seq 1 600); do grep -q "http://" "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
  URL=$(grep -o "http://[^ ]*" "$WORK/serve.out")
  PORT=$(echo "$URL" | sed 's|.*:\([0-9]*\)/.*|\1|')
  echo "codex serve: RSS after start $(grep VmRSS /proc/$SERVER/status | awk '{print $2}') KB"
  # Page load: the page, its script and style, and the first calls it makes, one connection.
  U=${URL%/}
  curl -s -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
    -w "%{url_effective} %{http_code} %{time_total}\n" "$U/" "$U/app.js" "$U/style.css" "$U/api/health" \
    "$U/api/library?limit=200&sort=artist" "$U/api/now?session=bench" "$U/api/jobs" >"$WORK/load.txt"
  awk '{ t += $3 } END { printf "page load over HTTP (7 requests, one connection, sequential): %.1f ms\n", 1000 * t }' "$WORK/load.txt"
  $B/codex_serve_load "$PORT" 50 40
  echo "codex serve: RSS after the load test $(grep VmRSS /proc/$SERVER/status | awk '{print $2}') KB, peak $(grep VmHWM /proc/$SERVER/status | awk '{print $2}') KB"
  kill $SERVER
  wait $SERVER 2>/dev/null || true
  SERVER=
  rm -f "$DB" "$DB".*
done
