// codex-embed, default mapping: a deterministic, documented 384-d unit vector per track built
// from its CODEX-schema features, needing no training. The vector is a concatenation of blocks,
// each scaled so that its share of the dot product is the block weight below:
//   tempo      24  radial basis over log2(bpm) from 60 to 200 BPM (neighbouring tempi overlap)
//   key        24  radial basis round the Camelot wheel, one ring per letter (adjacent keys overlap)
//   energy     10  radial basis over 1-10            danceability 10  likewise
//   vibe        6  one-hot                            intensity 4, groove 5, tempo feel 3: one-hot
//   vocals     11  presence (5) and style (6) one-hot production style 9: one-hot
//   genre      48  hashed words of genre + subgenre   moods 48: hashed mood tags
//   mood       16  valence x arousal heard in the sound (a 4 x 4 radial grid over the plane)
//   instruments 36 hashed                             similar artists 30: hashed
//   quality     2  audio fidelity, production quality   mixability 2: in/out ease
//   acoustic   96  the track's acoustic block (embed/acoustic_model.h): how it sounds, learned on
//                  the DJ's library or its standardised acoustic summary; weight kAcousticWeight
// Missing fields leave their block at zero. An intent becomes a direction in the same space; in
// the acoustic block it moves along directions learned from this library (AcousticDirections).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "codex/prompt/intent.h"
#include "codex/schema/record.h"

namespace codex::embed {

inline constexpr int kDims = 384;
inline constexpr int kAcousticOffset = 288;  // the acoustic block: kAcousticOffset .. kDims
inline constexpr float kAcousticWeight = 7.0f;
using Vector = std::array<float, kDims>;

// The record's acoustic block (extra "acoustic": {"model", "vector": base64 float16}); empty when
// it has none.
std::vector<float> acoustic_of(const schema::TrackRecord& record);

Vector embed_record(const schema::TrackRecord& record);

// Unit directions in the acoustic block (empty when the library cannot tell).
struct AcousticDirections {
  std::vector<float> energy;               // towards more energy
  std::array<std::vector<float>, 6> vibe;  // towards each vibe (schema::kVibes order)
};

// The direction an intent points in (not normalised; zero when the intent says nothing that
// features can express). `current` is the playing track's record.
Vector intent_direction(const prompt::Intent& intent, const schema::TrackRecord& current,
                        const AcousticDirections* directions = nullptr);

// Where a prompt's mood moves go on the valence/arousal plane from a track at (valence, arousal):
// kMoodStep a move, times the prompt's strength ("a touch" 0.5, "way more" 2), within -1 .. 1.
inline constexpr double kMoodStep = 0.8;
std::pair<double, double> mood_target(const prompt::Intent& intent, double valence, double arousal);

// normalize(base + weight * direction); returns base when the direction is zero.
Vector steer(const Vector& base, const Vector& direction, float weight);

float dot(const Vector& a, const Vector& b);


}  // namespace codex::embed
