#!/usr/bin/env bash
# Installs, builds, and runs the demo: synthesises a library with known answers, analyses it into
# a local SQLite corpus, and prints what CODEX found. Extra arguments go to `codex demo`.
# Only what the demo needs is built (the binary and its FFmpeg module); ./scripts/test.sh builds
# everything.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x build/codex ]; then echo "codex: first run: installing what is missing and building (a few minutes)..." >&2; fi
./scripts/build.sh codex codex_audio_ffmpeg
exec ./build/codex demo "$@"
