#!/usr/bin/env python3
"""Mutation check: do the unit tests notice a one-line change to the ranking, key detection or the
server? Each mutant below is applied to the source, the tests that cover its part are rebuilt and
run (never the golden file, which only notices that *something* changed), and the source is put back.
A mutant is killed when a test fails. Every listed mutant should be killed; one that survives names a
behaviour no test pins down.

    python3 bench/mutants.py [--build build] [--only ID,ID]     # about 1 min per mutant on 2 cores

Run it on a clean tree (it refuses otherwise): it edits files in place and restores them, even when
interrupted.
"""
import argparse
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RANK = ["rank_factors_test", "rank_recommend_test", "rank_constraints_test", "rank_affect_test", "rank_history_test"]
KEY = ["analysis_key_test"]
SERVER = ["server_api_test", "server_http_test", "library_live_test"]

# id, file, the exact text (once in the file), its replacement, the tests of that part
MUTANTS = [
    ("rank-energy-constant", "src/codex/rank/factors.cpp",
     "double f = std::clamp(1.0 - std::fabs(*t.energy - ctx.plan.energy_target) / 4.0, 0.0, 1.0);",
     "double f = 0.5;", RANK),
    ("rank-key-soft-constant", "src/codex/rank/factors.cpp",
     ": music::camelot_compatibility(*cur.key, *t.key);", ": 0.5;", RANK),
    ("rank-tempo-constant", "src/codex/rank/factors.cpp",
     "double f = std::clamp(1.0 - std::fabs(pct) / 8.0, 0.0, 1.0);", "double f = 0.5;", RANK),
    ("rank-same-vibe-constant", "src/codex/rank/factors.cpp",
     "f = *cur.vibe == *t.vibe ? (in.similarity == prompt::Similarity::kDifferent ? 0.3 : 0.9) : 0.5;", "f = 0.5;", RANK),
    ("rank-mixability-constant", "src/codex/rank/factors.cpp",
     "f[5] = (cur.mix_out && t.mix_in) ? (*cur.mix_out + *t.mix_in) / 20.0 : 0.5;", "f[5] = 0.5;", RANK),
    ("rank-groove-constant", "src/codex/rank/factors.cpp",
     "if (!cur.groove || !t.groove) return 0.5;", "return 0.5;", RANK),
    ("rank-narrative-constant", "src/codex/rank/factors.cpp",
     "return stage == plan.current_stage || stage == plan.current_stage + 1 ? 0.8",
     "return true ? 0.5", RANK),
    ("rank-no-embedding-blend", "src/codex/rank/factors.cpp",
     "if (ctx.mode == Mode::kFull && ctx.use_embedding) s = 0.8 * s + 0.2 * similarity;",
     "if (false && ctx.mode == Mode::kFull && ctx.use_embedding) s = 0.8 * s + 0.2 * similarity;", RANK),
    ("key-major-third", "src/codex/analysis/key_estimate.cpp",
     "constexpr double kMajor[12] = {2, 0, 1, 0, 1.5, 1, 0, 1.5, 0, 1, 0, 1};",
     "constexpr double kMajor[12] = {2, 0, 1, 0, 1.0, 1, 0, 1.5, 0, 1, 0, 1};", KEY),
    ("key-minor-sevenths", "src/codex/analysis/key_estimate.cpp",
     "constexpr double kMinor[12] = {2, 0, 1, 1.5, 0, 1, 0, 1.5, 1, 0, 0.8, 0.4};",
     "constexpr double kMinor[12] = {2, 0, 1, 1.5, 0, 1, 0, 1.5, 1, 0, 1, 0};", KEY),
    ("key-minor-fifth", "src/codex/analysis/key_estimate.cpp",
     "constexpr double kMinor[12] = {2, 0, 1, 1.5, 0, 1, 0, 1.5, 1, 0, 0.8, 0.4};",
     "constexpr double kMinor[12] = {2, 0, 1, 1.5, 0, 1, 0, 1, 1, 0, 0.8, 0.4};", KEY),
    ("key-bass-weight-0", "src/codex/analysis/key.cpp",
     'scoring.bass_weight = params_.get("bass_weight");', "scoring.bass_weight = 0;", KEY),
    ("key-harmonic-suppression-0", "src/codex/analysis/key.cpp",
     'chroma_ = std::make_unique<ChromaExtractor>(rate_, frame, frame / 2, params_.get("harmonic_suppression"));',
     "chroma_ = std::make_unique<ChromaExtractor>(rate_, frame, frame / 2, 0.0);", KEY),
    ("key-no-minor-bias", "src/codex/analysis/key_estimate.cpp",
     "out.push_back({music::Key{t, true}, rmin + scoring.minor_bias + b, rmin});",
     "out.push_back({music::Key{t, true}, rmin + b, rmin});", KEY),
    ("server-energy-min-ignored", "src/server/api.cpp",
     'q.energy_min = number_param(r, "energy_min", &bad);', '(void)number_param(r, "energy_min", &bad);', SERVER),
    ("server-genre-ignored", "src/server/api.cpp", 'q.genre = text_param(r, "genre");', 'q.genre = "";', SERVER),
    ("server-top-over-50", "src/server/api.cpp", "it->get<int64_t>() > 50", "it->get<int64_t>() > 500", SERVER),
    ("server-mode-ignored", "src/server/api.cpp",
     'req.mode = mode == "features" ? rank::Mode::kFeatures : mode == "embedding" ? rank::Mode::kEmbedding : rank::Mode::kFull;',
     "req.mode = rank::Mode::kFull;", SERVER),
    ("server-cancel-ignored", "src/codex/library/live.cpp", "if (cancel) j->cancel = true;", "if (cancel) {}", SERVER),
    ("server-host-unchecked", "src/server/api.cpp",
     '} else if (std::find(options_.hosts.begin(), options_.hosts.end(), header("host")) == options_.hosts.end()) {',
     "} else if (false) {", SERVER),
    ("server-skips-not-excluded", "src/codex/library/live.cpp",
     'if (f.action == "skip" || f.action == "accept") req.exclude.push_back(f.track_id);',
     'if (f.action == "accept") req.exclude.push_back(f.track_id);', SERVER),
]


def run(cmd, timeout=1800):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    if run(["git", "diff", "--quiet", "--", "src"]).returncode != 0:
        sys.exit("src/ has uncommitted changes: run on a clean tree")
    only = set(filter(None, args.only.split(",")))
    chosen = [m for m in MUTANTS if not only or m[0] in only]
    killed, survived, broken = [], [], []
    state = {"file": None, "text": None}

    def write(path, text):
        # Whole or not at all: a temporary file renamed over the source.
        tmp = path + ".mutant-tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)

    def restore():
        if state["file"]:
            write(state["file"], state["text"])
            state["file"] = None

    def interrupted(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        for mid, rel, old, new, tests in chosen:
            path = os.path.join(ROOT, rel)
            with open(path) as f:
                text = f.read()
            if text.count(old) != 1:
                print(f"{mid:30s} STALE (the line is not in {rel} once: update this list)", flush=True)
                broken.append(mid)
                continue
            state["file"], state["text"] = path, text
            write(path, text.replace(old, new))
            t0 = time.time()
            b = run(["ninja", "-C", args.build] + tests)
            if b.returncode != 0:
                print(f"{mid:30s} does not build", flush=True)
                broken.append(mid)
            else:
                failing = [t for t in tests if run([os.path.join(args.build, "tests", t), "--gtest_brief=1"],
                                                   timeout=900).returncode != 0]
                if failing:
                    killed.append(mid)
                    print(f"{mid:30s} killed by {', '.join(failing)}  ({time.time() - t0:.0f} s)", flush=True)
                else:
                    survived.append(mid)
                    print(f"{mid:30s} SURVIVED  ({time.time() - t0:.0f} s)", flush=True)
            restore()
    except KeyboardInterrupt:
        restore()
        sys.exit(130)
    finally:
        restore()
    run(["ninja", "-C", args.build] + sorted({t for m in chosen for t in m[4]}))
    print(f"\nkilled {len(killed)} of {len(killed) + len(survived)}"
          + (f"; survived: {', '.join(survived)}" if survived else "")
          + (f"; not run: {', '.join(broken)}" if broken else ""))
    sys.exit(1 if survived or broken else 0)


if __name__ == "__main__":
    main()
