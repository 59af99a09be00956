#!/usr/bin/env bash
# Installs, builds, and runs the demo: synthesises a library with known answers, analyses it into
# a local SQLite corpus, and prints what CODEX found. Extra arguments go to `codex demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
exec ./build/codex demo "$@"
