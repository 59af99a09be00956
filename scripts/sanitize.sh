#!/usr/bin/env bash
# Builds CODEX with AddressSanitizer and UndefinedBehaviorSanitizer (GCC) into build-asan/ and runs
# tests there; any report fails the run.
#   scripts/sanitize.sh            every test (ctest; extra arguments go to ctest)
#   scripts/sanitize.sh --subset   the tests of every parser of outside data and of the server
#                                  (what CI runs: the whole suite under ASan would not fit its time)
# UBSan's vptr check is off: it needs the typeinfo of every polymorphic class at link time, and the
# audio decoder's lives only in the FFmpeg module loaded at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
SUBSET=(fuzz_test audio_bad_input_test interop_dj_formats_test interop_serato_tags_test interop_tags_test
        library_jsonl_test core_config_test schema_test schema_record_test semantic_repair_test
        semantic_gemini_client_test semantic_mood_model_test prompt_intent_test prompt_phrasing_test
        server_api_test server_http_test corpus_test library_snapshot_test library_live_test)
subset=0
if [ "${1:-}" = "--subset" ]; then subset=1; shift; fi
FLAGS="-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=all -fno-omit-frame-pointer -g1 -O1"
mkdir -p build-asan
LOG=build-asan/build.log
echo "codex sanitize: building with ASan and UBSan (log: $LOG)..." >&2
# The build type's own flags are emptied: -O1 -g1 alone (quicker to build than -O2, line numbers in
# reports), and assertions on (no NDEBUG).
# One object per source (-DCODEX_UNITY_BUILD=OFF): besides the sanitizers, this build checks that
# every source compiles on its own, which the unity build of ./scripts/build.sh does not.
if ! { cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCODEX_BUILD_BENCH=OFF -DCODEX_UNITY_BUILD=OFF \
         -DCMAKE_CXX_FLAGS="$FLAGS" -DCMAKE_C_FLAGS="$FLAGS" \
         -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="" -DCMAKE_C_FLAGS_RELWITHDEBINFO="" \
         -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
         -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined" >"$LOG" 2>&1 &&
       if ((subset)); then
         cmake --build build-asan --parallel "$(nproc)" --target codex codex_audio_ffmpeg "${SUBSET[@]}" >>"$LOG" 2>&1
       else
         cmake --build build-asan --parallel "$(nproc)" >>"$LOG" 2>&1
       fi; }; then
  echo "codex sanitize: the build failed; the last errors in $LOG:" >&2
  grep -E 'error|undefined reference' "$LOG" | tail -n 20 >&2 || tail -n 20 "$LOG" >&2
  exit 1
fi
[ -n "${SANITIZE_BUILD_ONLY:-}" ] && exit 0
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export CODEX_FUZZ_SECONDS="${CODEX_FUZZ_SECONDS:-10}"
if ((subset)); then
  failed=()
  for t in "${SUBSET[@]}"; do
    echo "codex sanitize: $t" >&2
    (cd build-asan/tests && "./$t" --gtest_brief=1) || failed+=("$t")
  done
  if ((${#failed[@]})); then
    echo "codex sanitize: failed: ${failed[*]}" >&2
    exit 1
  fi
  echo "codex sanitize: ${#SUBSET[@]} test programs passed under ASan and UBSan" >&2
  exit 0
fi
cd build-asan
ctest --output-on-failure -j "$(nproc)" "$@"
