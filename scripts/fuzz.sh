#!/usr/bin/env bash
# A longer fuzzing run of every parser of outside data (tests/fuzz/fuzz_test.cpp): SECONDS per
# target (default 60), on the Release build, or with --asan on the ASan/UBSan build of
# scripts/sanitize.sh. Prints the inputs tried per target; a failing or hanging input is saved
# under build*/fuzz-failures/ — add it to tests/fuzz/seeds/<target>/ once fixed.
#   scripts/fuzz.sh [--asan] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build
if [ "${1:-}" = "--asan" ]; then
  dir=build-asan
  shift
  SANITIZE_BUILD_ONLY=1 ./scripts/sanitize.sh
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
else
  ./scripts/build.sh
fi
export CODEX_FUZZ_SECONDS="${1:-60}"
cd "$dir"
log=$(mktemp)
status=0
./tests/fuzz_test >"$log" 2>&1 || status=$?
grep -E '^fuzz|FAILED|saved|Failure' "$log" || true
rm -f "$log"
[ "$status" -eq 0 ] || echo "fuzzing found a failure (above)" >&2
exit "$status"
