#!/usr/bin/env bash
# Installs the Debian 12 packages CODEX needs to build and test (only those missing).
# Non-interactive; uses sudo when not run as root. One line per step on the terminal; apt's own
# output goes to a log, named when a step fails.
set -euo pipefail

PKGS=(
  g++ cmake ninja-build pkg-config
  libavformat-dev libavcodec-dev libswresample-dev libavutil-dev
  libebur128-dev libfftw3-dev libsqlite3-dev libssl-dev
  nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # Words nobody listed in a prompt: WordNet's library and database.
  wordnet-dev wordnet-base
  # DJ programs' files and the audio files' own tags: expat (XML), utf8proc (NFC paths), TagLib.
  libexpat1-dev libutf8proc-dev libtag1-dev
  # The booth page's browser test: Debian's Chromium, its driver, and Selenium for Python.
  chromium chromium-driver python3-selenium
  # The dev set's beat F-measure (../shared/bench/eval.py), checked by a regression test.
  python3-mir-eval
)
# Extra packages a caller asks for (e.g. the benchmark peers).
PKGS+=("$@")

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
LOG="${CODEX_SETUP_LOG:-$(mktemp "${TMPDIR:-/tmp}/codex-setup.XXXXXX.log")}"
step() {  # step "what" command...: one line, the command's output to the log
  local what="$1"
  shift
  echo "codex setup: $what" >&2
  if ! "$@" >>"$LOG" 2>&1; then
    echo "codex setup: failed while ${what%...}; the last lines of $LOG:" >&2
    tail -n 15 "$LOG" >&2
    exit 1
  fi
}
step "updating the package lists..." $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
step "installing ${#missing[@]} packages (${missing[*]:0:4}${missing[4]:+ ...})..." \
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
