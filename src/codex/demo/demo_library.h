// The demo library: a catalogue of synthetic tracks spanning DJ genres, tempos (85-175 BPM), keys,
// levels and brightness; rendered, encoded to several formats with tags, and written with its
// ground truth (ground_truth.json, and manifest.json + annotations/ in the format of
// ../shared/bench/eval.py).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "codex/audio/encoder.h"
#include "codex/core/status.h"
#include "codex/demo/synth.h"

namespace codex::demo {

struct DemoTrack {
  std::string id;        // "demo-07"
  std::string file;      // relative to the library folder
  std::string title, artist, genre;
  TrackSpec spec;
  audio::Format format = audio::Format::kWav16;
  std::optional<double> bpm;  // felt tempo; none for beatless material
  double energy_design = 5.0;  // 1-10 from the design parameters
  std::string vibe;
};

// A deterministic catalogue of `count` tracks with lengths in [min_s, max_s].
std::vector<DemoTrack> demo_catalog(int count = 32, double min_s = 60.0, double max_s = 90.0);

struct DemoWriteOptions {
  int jobs = 0;  // 0 = number of cores
  std::function<void(size_t done, size_t total)> progress;
};

// Renders and encodes every track into `dir` (created if needed); files that already exist are
// kept. Writes ground_truth.json, manifest.json and annotations/<id>.beats.
Status write_demo_library(const std::string& dir, const std::vector<DemoTrack>& tracks,
                          const DemoWriteOptions& options = {});

}  // namespace codex::demo
