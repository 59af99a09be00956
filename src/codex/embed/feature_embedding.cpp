#include "codex/embed/feature_embedding.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>
#include <string_view>

#include "codex/core/dot.h"
#include "codex/core/half.h"
#include "codex/embed/acoustic_model.h"
#include "codex/core/text.h"
#include "codex/music/key.h"

namespace codex::embed {
namespace {

struct Block {
  int offset, size;
  float weight;
};
// Layout (offset, size, weight); weights are the share of similarity each block carries.
constexpr Block kTempo{0, 24, 1.0f};
constexpr Block kKey{24, 24, 0.5f};
constexpr Block kEnergy{48, 10, 1.0f};
constexpr Block kDance{58, 10, 0.4f};
constexpr Block kVibe{68, 6, 0.8f};
constexpr Block kIntensity{74, 4, 0.4f};
constexpr Block kGroove{78, 5, 0.5f};
constexpr Block kFeel{83, 3, 0.3f};
constexpr Block kVocals{86, 11, 0.5f};
constexpr Block kProduction{97, 9, 0.3f};
constexpr Block kGenre{106, 48, 0.9f};
constexpr Block kMoods{154, 48, 0.6f};
constexpr Block kMood{202, 16, 2.0f};  // valence x arousal, a 4 x 4 radial grid over the plane
static_assert(kMoods.offset + kMoods.size == kMood.offset);
constexpr Block kInstruments{218, 36, 0.3f};
constexpr Block kArtists{254, 30, 0.3f};
constexpr Block kQuality{284, 2, 0.1f};
constexpr Block kMix{286, 2, 0.1f};
constexpr Block kAcoustic{kAcousticOffset, kDims - kAcousticOffset, kAcousticWeight};
static_assert(kMix.offset + kMix.size == kAcoustic.offset);
static_assert(kAcoustic.size == kAcousticDims);

// Fills a block with a unit-norm pattern scaled by sqrt(weight).
void put(Vector& v, const Block& b, const std::vector<float>& pattern) {
  double n = 0;
  for (float x : pattern) n += static_cast<double>(x) * x;
  if (n <= 0) return;
  const float s = std::sqrt(b.weight) / static_cast<float>(std::sqrt(n));
  for (int i = 0; i < b.size && i < static_cast<int>(pattern.size()); ++i) v[b.offset + i] += s * pattern[i];
}

std::vector<float> rbf(double x, double lo, double hi, int n, double width_in_steps = 1.0) {
  std::vector<float> p(static_cast<size_t>(n));
  const double step = (hi - lo) / (n - 1);
  for (int i = 0; i < n; ++i) {
    const double d = (x - (lo + i * step)) / (width_in_steps * step);
    p[i] = static_cast<float>(std::exp(-0.5 * d * d));
  }
  return p;
}

// One-hot over an enum field's values; all zero when the field has no value.
template <typename C>
std::vector<float> one_hot(const schema::Value<C>& value) {
  std::vector<float> p(C::kCount, 0.0f);
  if (value) p[value->index()] = 1.0f;
  return p;
}

template <typename C>
std::vector<float> one_hot(const std::optional<C>& value) {
  std::vector<float> p(C::kCount, 0.0f);
  if (value) p[value->index()] = 1.0f;
  return p;
}

uint64_t fnv(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Feature hashing of words with a sign bit (so unrelated words cancel rather than pile up).
std::vector<float> hashed(const std::vector<std::string>& words, int n) {
  std::vector<float> p(static_cast<size_t>(n), 0.0f);
  for (const auto& w : words) {
    const uint64_t h = fnv(ascii_lower(w));
    p[h % static_cast<uint64_t>(n)] += (h >> 63) ? -1.0f : 1.0f;
  }
  return p;
}

std::vector<std::string> words_of(const schema::Value<std::string>& v) {
  return v ? std::vector<std::string>{*v} : std::vector<std::string>{};
}

std::vector<std::string> words_of(const schema::Value<schema::Strings>& v) { return v ? *v : schema::Strings{}; }

double number_or(const schema::Value<int64_t>& v, double d) { return v ? static_cast<double>(*v) : d; }

std::vector<float> key_pattern(const music::Key& k) {
  // 12 positions round the wheel per letter; neighbours on the wheel and the relative key overlap.
  std::vector<float> p(24, 0.0f);
  const int n = k.camelot_number() - 1;
  const int ring = k.minor ? 0 : 12;
  for (int i = 0; i < 12; ++i) {
    int d = std::abs(i - n);
    d = std::min(d, 12 - d);
    const float g = std::exp(-0.5f * static_cast<float>(d * d));
    p[ring + i] += g;
    p[(12 - ring) + i] += 0.6f * g;  // the other letter: relative and diagonal keys
  }
  return p;
}

// A point of the valence/arousal plane on a 4 x 4 grid of overlapping bumps.
std::vector<float> mood_grid(double valence, double arousal) {
  std::vector<float> p(16);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      const double dv = (valence - (-0.75 + 0.5 * i)) / 0.5, da = (arousal - (-0.75 + 0.5 * j)) / 0.5;
      p[static_cast<size_t>(i * 4 + j)] = static_cast<float>(std::exp(-0.5 * (dv * dv + da * da)));
    }
  }
  return p;
}

void normalise(Vector& v) {
  double n = 0;
  for (float x : v) n += static_cast<double>(x) * x;
  if (n <= 0) return;
  const float s = 1.0f / static_cast<float>(std::sqrt(n));
  for (float& x : v) x *= s;
}

}  // namespace

std::vector<float> acoustic_of(const schema::TrackRecord& r) {
  const auto it = r.extra.find("acoustic");
  if (it == r.extra.end()) return {};
  auto v = finite_halves(*it, "vector");
  if (!v || v->size() != static_cast<size_t>(kAcousticDims)) return {};
  return std::move(*v);
}

Vector embed_record(const schema::TrackRecord& r) {
  Vector v{};
  put(v, kAcoustic, acoustic_of(r));
  if (r.bpm) put(v, kTempo, rbf(std::log2(*r.bpm), std::log2(60.0), std::log2(200.0), kTempo.size));
  if (r.key) put(v, kKey, key_pattern(*r.key));
  if (r.energy) put(v, kEnergy, rbf(number_or(r.energy, 0), 1, 10, kEnergy.size));
  if (r.danceability) put(v, kDance, rbf(number_or(r.danceability, 0), 1, 10, kDance.size));
  put(v, kVibe, one_hot(r.vibe));
  put(v, kIntensity, one_hot(r.intensity));
  put(v, kGroove, one_hot(r.groove_style));
  put(v, kFeel, one_hot(r.tempo_feel));
  std::vector<float> vocals = one_hot(r.vocal_presence);
  const auto style = one_hot(r.vocal_style);
  vocals.insert(vocals.end(), style.begin(), style.end());
  put(v, kVocals, vocals);
  put(v, kProduction, one_hot(r.production_style));
  auto genre = words_of(r.genre);
  for (const auto& s : words_of(r.subgenre)) genre.push_back(s);
  put(v, kGenre, hashed(genre, kGenre.size));
  put(v, kMoods, hashed(words_of(r.mood_tags), kMoods.size));
  if (const auto mood = schema::mood_of(r)) put(v, kMood, mood_grid(mood->valence, mood->arousal));
  put(v, kInstruments, hashed(words_of(r.instrumentation), kInstruments.size));
  put(v, kArtists, hashed(words_of(r.similar_artists), kArtists.size));
  std::vector<float> q = {static_cast<float>(number_or(r.audio_fidelity, 0) / 10),
                          static_cast<float>(number_or(r.production_quality, 0) / 10)};
  put(v, kQuality, q);
  std::vector<float> m = {static_cast<float>(number_or(r.mix_in_ease, 0) / 10),
                          static_cast<float>(number_or(r.mix_out_ease, 0) / 10)};
  put(v, kMix, m);
  normalise(v);
  return v;
}

Vector intent_direction(const prompt::Intent& in, const schema::TrackRecord& cur, const AcousticDirections* dirs) {
  Vector d{};
  // In the acoustic block: along the library's own directions for energy and vibe.
  if (dirs) {
    std::vector<float> a(static_cast<size_t>(kAcoustic.size), 0.0f);
    bool any = false;
    if ((in.energy == prompt::Direction::kUp || in.energy == prompt::Direction::kDown) &&
        dirs->energy.size() == a.size()) {
      const float sign = in.energy == prompt::Direction::kUp ? 1.0f : -1.0f;
      for (size_t i = 0; i < a.size(); ++i) a[i] += sign * dirs->energy[i];
      any = true;
    }
    if (in.vibe) {
      if (auto v = schema::Vibe::parse(*in.vibe); v && dirs->vibe[v->index()].size() == a.size()) {
        for (size_t i = 0; i < a.size(); ++i) a[i] += dirs->vibe[v->index()][i];
        any = true;
      }
    }
    if (any) put(d, kAcoustic, a);
  }
  const double e = number_or(cur.energy, 5.0);
  if (in.energy == prompt::Direction::kUp || in.energy == prompt::Direction::kDown) {
    const double target = std::clamp(e + (in.energy == prompt::Direction::kUp ? 1 : -1) * in.energy_steps, 1.0, 10.0);
    auto to = rbf(target, 1, 10, kEnergy.size), from = rbf(e, 1, 10, kEnergy.size);
    for (size_t i = 0; i < to.size(); ++i) to[i] -= from[i];
    put(d, kEnergy, to);
  }
  if (in.vibe) {
    // Towards the wanted vibe and away from the current one.
    auto to = one_hot(schema::Vibe::parse(*in.vibe));
    const auto from = one_hot(cur.vibe);
    if (to != from) {
      for (size_t i = 0; i < to.size(); ++i) to[i] -= from[i];
    }
    put(d, kVibe, to);
  }
  // On the valence/arousal plane: from the current track's point towards the one the prompt asks for.
  if (const auto mood = schema::mood_of(cur); mood && prompt::moves_mood(in)) {
    const auto target = mood_target(in, mood->valence, mood->arousal);
    auto to = mood_grid(target.first, target.second);
    const auto from = mood_grid(mood->valence, mood->arousal);
    for (size_t i = 0; i < to.size(); ++i) to[i] -= from[i];
    put(d, kMood, to);
  }
  if (in.genre) put(d, kGenre, hashed({*in.genre}, kGenre.size));
  if (!in.moods.empty()) put(d, kMoods, hashed(in.moods, kMoods.size));
  if (in.vocals) {
    std::vector<float> p(11, 0.0f);
    if (!*in.vocals) p[0] = 1.0f;
    else if (in.vocal_presence) p = one_hot(schema::VocalPresence::parse(*in.vocal_presence)), p.resize(11, 0.0f);
    else p[1] = p[2] = p[3] = 0.5f;
    put(d, kVocals, p);
  }
  return d;
}

std::pair<double, double> mood_target(const prompt::Intent& in, double valence, double arousal) {
  const double step = kMoodStep * in.strength;
  auto move = [&](double x, prompt::Direction d) {
    if (d == prompt::Direction::kUp) x += step;
    if (d == prompt::Direction::kDown) x -= step;
    return std::clamp(x, -1.0, 1.0);
  };
  return {move(valence, in.valence), move(arousal, in.arousal)};
}

Vector steer(const Vector& base, const Vector& dir, float weight) {
  Vector v = base;
  bool any = false;
  for (int i = 0; i < kDims; ++i) {
    if (dir[i] != 0.0f) any = true;
    v[i] += weight * dir[i];
  }
  if (!any) return base;
  normalise(v);
  return v;
}

float dot(const Vector& a, const Vector& b) { return dot_product(a.data(), b.data(), kDims); }

}  // namespace codex::embed
