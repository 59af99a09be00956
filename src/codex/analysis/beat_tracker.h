// Beats from an onset-strength series and a tempo, by dynamic programming (Ellis 2007): the beat
// sequence maximising onset strength at the beats minus a penalty for intervals that stray from
// the beat period, found globally rather than by peak picking. Then: sub-frame refinement of each
// beat, a least-squares grid (first beat + BPM) when the tempo is steady, tempo segments when it is
// not, and the bar phase (downbeats) from bass onsets and spectral change. Pure functions.
#pragma once

#include <cstddef>
#include <vector>

#include "codex/analysis/onset.h"

namespace codex::analysis {

struct TempoSegment {
  double start_s = 0.0;
  double end_s = 0.0;
  double bpm = 0.0;
};

struct BeatGrid {
  std::vector<double> beats;      // seconds
  std::vector<double> downbeats;  // seconds, a subset of beats
  double bpm = 0.0;               // from the fitted grid (steady) or the median interval
  double first_beat_s = 0.0;
  bool steady = true;
  double jitter_ms = 0.0;         // RMS distance of beats from the fitted grid
  std::vector<TempoSegment> segments;  // one when steady
};

struct BeatTrackerOptions {
  double tightness = 100.0;         // penalty weight for log-interval deviation (Ellis alpha)
  double steady_tolerance = 0.012;  // max relative spread of local tempo for a single grid
  int beats_per_bar = 4;
  double snap_bpm = 0.05;           // a steady grid this close to a whole BPM is taken as whole
};

// `odf` at `fps` frames per second; `frame_time(i)` maps a (fractional) frame to seconds.
// `low_odf` (bass-range onsets) helps place downbeats; it may be empty.
template <class FrameTime>
BeatGrid track_beats(const std::vector<float>& odf, const std::vector<float>& low_odf, double fps, double bpm,
                     FrameTime frame_time, const BeatTrackerOptions& options = {});

// Non-template core: beat frames (fractional) from the DP.
std::vector<double> dp_beat_frames(const std::vector<float>& odf, double period_frames, double tightness);
// Fits beats to a grid / segments and finds downbeats. Beat times in seconds.
BeatGrid build_grid(std::vector<double> beat_times, const std::vector<double>& bar_evidence,
                    const BeatTrackerOptions& options);

template <class FrameTime>
BeatGrid track_beats(const std::vector<float>& odf, const std::vector<float>& low_odf, double fps, double bpm,
                     FrameTime frame_time, const BeatTrackerOptions& options) {
  const std::vector<double> frames = dp_beat_frames(odf, 60.0 * fps / bpm, options.tightness);
  std::vector<double> times, evidence;
  for (double f : frames) {
    times.push_back(frame_time(f));
    evidence.push_back(max_near(low_odf, f));
  }
  return build_grid(std::move(times), evidence, options);
}

}  // namespace codex::analysis
