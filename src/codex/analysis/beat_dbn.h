// Beats by Viterbi decoding of a beat-period state space (the beat part of the bar-pointer model
// of Krebs, Böck & Widmer, ISMIR 2015): a state is (beat period in frames, position within the
// beat); the position advances one frame per frame, and only at the end of a beat may the period
// change, with a probability falling exponentially with the relative change. Beats are the frames
// where the decoded path starts a beat. Unlike a dynamic program at one fixed period, the tempo may
// wander (played music, rubato) while the path stays on the onsets. Pure function.
#pragma once

#include <vector>

namespace codex::analysis {

struct BeatDbnOptions {
  double min_period_frames = 28.0;  // fastest beat (215 BPM at 100 frames/s)
  double max_period_frames = 109.0; // slowest beat (55 BPM)
  double transition_lambda = 100.0; // tempo changes: probability ~ exp(-lambda * |p'/p - 1|)
  int beat_fraction = 16;           // the first 1/beat_fraction of a beat's positions observe an onset
};

// `odf`: onset strength per frame (any scale; normalised inside). Returns fractional beat frames
// (sub-frame refined on the onset strength), in order. Fewer than two periods in range: empty.
std::vector<double> dbn_beat_frames(const std::vector<float>& odf, const BeatDbnOptions& options = {});

}  // namespace codex::analysis
