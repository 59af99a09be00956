// Key from pitch-class profiles: the correlation of a chroma vector with a major and a minor
// profile rotated to each of the 12 tonics; over the whole track, and over ~30 s windows smoothed
// by a Viterbi pass with a switching penalty to find key changes. Pure functions.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "codex/analysis/chroma.h"
#include "codex/music/key.h"

namespace codex::analysis {

struct KeyScore {
  music::Key key;
  double score = 0.0;        // ranking score: profile correlation plus bass and mode terms
  double correlation = 0.0;  // profile correlation alone, -1..1
};

struct KeyScoring {
  // With a bass chroma, each key gains `bass_weight` times the bass evidence for its tonic (and,
  // half as much, its fifth): the tonic sits in the bass, which separates relative keys.
  const Chroma* bass = nullptr;
  double bass_weight = 0.0;
  // Added to minor keys: natural-minor progressions share every note with the relative major,
  // and dance music is mostly minor.
  double minor_bias = 0.0;
};

// All 24 keys, best first.
std::vector<KeyScore> score_keys(const Chroma& chroma, const KeyScoring& scoring = {});

// The triad (as a Key: root and minor/major) that best matches the chroma of the first (or last)
// `span_s` seconds of tonal frames, with its template correlation. Songs and loops tend to open
// (and often close) on the tonic chord, which separates a key from its relative when the notes
// alone cannot. nullopt when there are too few tonal frames.
struct EdgeChord {
  music::Key chord;
  double correlation = 0.0;
};
std::optional<EdgeChord> edge_chord(const std::vector<Chroma>& frames, const std::vector<double>& tonal_energy,
                                    double frame_s, bool at_end, double span_s = 4.0);

struct KeySegment {
  double start_s = 0.0;
  double end_s = 0.0;
  music::Key key;
};

// Key segments from per-frame chroma (frame_s apart): windows of `window_s`, Viterbi-smoothed.
// Returns one segment when the key does not change.
std::vector<KeySegment> key_segments(const std::vector<Chroma>& frames, double frame_s, const KeyScoring& scoring,
                                     double window_s = 24.0, double min_segment_s = 30.0);

}  // namespace codex::analysis
