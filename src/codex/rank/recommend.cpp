#include "codex/rank/recommend.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "codex/core/text.h"

namespace codex::rank {
namespace {

using prompt::Direction;
using prompt::KeyRule;

std::string fmt(const char* f, double a) {
  char b[64];
  std::snprintf(b, sizeof b, f, a);
  return b;
}

// Tempo ratio from a to b taking the nearest of half, same and double time, in percent.
double tempo_shift_pct(double from, double to) {
  double best = 1e9;
  for (double m : {0.5, 1.0, 2.0}) {
    const double pct = (to * m / from - 1.0) * 100.0;
    if (std::fabs(pct) < std::fabs(best)) best = pct;
  }
  return best;
}

struct Constraints {
  double tempo_lo_pct = -6.0, tempo_hi_pct = 6.0;
  bool tempo = true;
  bool key = true;
};

}  // namespace

TrackFeatures features_from_record(const schema::TrackRecord& r) {
  auto name = [](const auto& v) { return v ? std::optional<std::string>(v->str()) : std::nullopt; };
  auto number = [](const schema::Value<int64_t>& v) {
    return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
  };
  TrackFeatures t;
  t.track_id = r.track_id.value_or("");
  t.title = r.title.value_or("");
  t.artist = r.artist.value_or("");
  t.file_path = r.file_path.value_or("");
  t.genre = ascii_lower(r.genre.value_or(""));
  t.bpm = r.bpm.opt();
  t.key = r.key.opt();
  t.energy = number(r.energy);
  t.vibe = name(r.vibe);
  t.vocal_presence = name(r.vocal_presence);
  t.intensity = name(r.intensity);
  t.groove = name(r.groove_style);
  t.mix_in = number(r.mix_in_ease);
  t.mix_out = number(r.mix_out_ease);
  if (r.mood_tags) {
    for (const auto& m : *r.mood_tags) t.moods.push_back(ascii_lower(m));
  }
  return t;
}

Result<size_t> find_track(const std::vector<TrackFeatures>& lib, const std::string& query) {
  if (query.empty()) return Status::Error("no current track given");
  std::vector<size_t> hits;
  auto collect = [&](auto pred) {
    hits.clear();
    for (size_t i = 0; i < lib.size(); ++i) {
      if (pred(lib[i])) hits.push_back(i);
    }
    return hits.size() == 1;
  };
  if (collect([&](const TrackFeatures& t) { return t.track_id == query || t.file_path == query; })) return hits[0];
  if (collect([&](const TrackFeatures& t) { return t.track_id.rfind(query, 0) == 0; })) return hits[0];
  const std::string q = ascii_lower(query);
  if (collect([&](const TrackFeatures& t) { return ascii_lower(t.artist + " - " + t.title) == q; })) return hits[0];
  if (collect([&](const TrackFeatures& t) { return ascii_lower(t.title) == q; })) return hits[0];
  if (collect([&](const TrackFeatures& t) {
        return ascii_lower(t.artist + " - " + t.title).find(q) != std::string::npos;
      })) {
    return hits[0];
  }
  if (hits.size() > 1) {
    return Status::Error("'" + to_valid_utf8(query) + "' matches " + std::to_string(hits.size()) +
                         " tracks; give more of the title or the track id");
  }
  return Status::Error("no track matches '" + to_valid_utf8(query) + "'");
}

Result<std::vector<Factor>> load_weights(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Error("cannot read weights file " + to_valid_utf8(path));
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  if (to_valid_utf8(text) != text) return Status::Error("weights file is not valid UTF-8");
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Error("weights file is not a JSON object");
  if (j.value("format", "") != "codex-rank-weights") return Status::Error("weights file has no \"format\": \"codex-rank-weights\"");
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int>() != 1) {
    return Status::Error("unsupported weights version (this codex reads version 1)");
  }
  if (!j.contains("weights") || !j["weights"].is_object()) return Status::Error("weights file has no \"weights\" object");
  std::vector<Factor> w = default_weights();
  for (auto it = j["weights"].begin(); it != j["weights"].end(); ++it) {
    auto f2 = std::find_if(w.begin(), w.end(), [&](const Factor& x) { return it.key() == x.name; });
    if (f2 == w.end()) return Status::Error("unknown factor '" + it.key() + "' in weights file");
    if (!it->is_number() || it->get<double>() < 0 || !std::isfinite(it->get<double>())) {
      return Status::Error("weight of '" + it.key() + "' must be a number >= 0");
    }
    f2->weight = it->get<double>();
  }
  double total = 0;
  for (const auto& x : w) total += x.weight;
  if (total <= 0) return Status::Error("all weights are zero");
  return w;
}

uint32_t id_hash32(const std::string& id) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char ch : id) h = (h ^ ch) * 16777619u;
  return h;
}

PackedAttributes pack_attributes(const std::vector<TrackFeatures>& lib) {
  PackedAttributes p;
  p.bpm.reserve(lib.size());
  p.key.reserve(lib.size());
  p.id_hash.reserve(lib.size());
  for (const auto& t : lib) {
    p.bpm.push_back(t.bpm ? static_cast<float>(*t.bpm) : std::nanf(""));
    p.key.push_back(t.key ? static_cast<int8_t>(t.key->tonic * 2 + (t.key->minor ? 1 : 0)) : int8_t{-1});
    p.id_hash.push_back(id_hash32(t.track_id));
  }
  return p;
}

const std::vector<Factor>& default_weights() {
  static const std::vector<Factor> k = {{"energy", 0.25}, {"key", 0.18}, {"tempo", 0.15}, {"vibe", 0.15},
                                        {"genre", 0.12},  {"mix", 0.05}, {"vocals", 0.05}, {"mood", 0.05},
                                        {"groove", 0.06}, {"narrative", 0.08}};
  return k;
}

RecommendResult recommend(const std::vector<TrackFeatures>& lib, size_t current, const prompt::Intent& in,
                          const RecommendOptions& opt) {
  RecommendResult out;
  const TrackFeatures& cur = lib[current];

  // Where the tempo should go.
  std::optional<double> target_bpm = cur.bpm;
  if (in.target_bpm) target_bpm = in.target_bpm;
  else if (in.bpm_delta && cur.bpm) target_bpm = *cur.bpm + *in.bpm_delta;
  Constraints c;
  if (in.tempo == Direction::kUp) c.tempo_lo_pct = 0.5, c.tempo_hi_pct = 8.0;
  if (in.tempo == Direction::kDown) c.tempo_lo_pct = -8.0, c.tempo_hi_pct = -0.5;
  if (in.tempo == Direction::kHold) c.tempo_lo_pct = -2.0, c.tempo_hi_pct = 2.0;
  if (in.not_slower) c.tempo_lo_pct = std::max(c.tempo_lo_pct, -0.5);
  if (in.not_faster) c.tempo_hi_pct = std::min(c.tempo_hi_pct, 0.5);
  c.tempo = !in.tempo_free && target_bpm.has_value();
  c.key = in.key_rule != KeyRule::kAny && (cur.key.has_value() || in.key_rule == KeyRule::kSpecific);

  // Where the energy should go.
  double energy_target = cur.energy.value_or(5.0);
  const double step = in.energy_steps;
  if (in.energy == Direction::kUp) energy_target += step;
  if (in.energy == Direction::kDown) energy_target -= step;
  if (in.narrative == std::string("peak")) energy_target = std::max(energy_target, 8.0);
  if (in.narrative == std::string("warm-up")) energy_target = std::min(energy_target, 5.0);
  if (in.narrative == std::string("closer") || in.narrative == std::string("wind-down")) {
    energy_target = std::min(energy_target, cur.energy.value_or(5.0) - 1.0);
  }
  energy_target = std::clamp(energy_target, 1.0, 10.0);

  // Compatibility with the current key, looked up rather than computed per track.
  std::array<bool, 24> compatible{};
  if (cur.key) {
    for (int k = 0; k < 24; ++k) compatible[k] = music::camelot_compatibility(*cur.key, music::Key{k / 2, k % 2 == 1}) >= 0.6;
  }
  auto key_ok = [&](const TrackFeatures& t) {
    if (in.key_rule == KeyRule::kAny || (!cur.key && in.key_rule != KeyRule::kSpecific)) return true;
    if (!t.key) return false;
    switch (in.key_rule) {
      case KeyRule::kSpecific: return *t.key == *in.key;
      case KeyRule::kSame: return *t.key == *cur.key;
      case KeyRule::kEnergyBoost: return music::camelot_relation(*cur.key, *t.key) == "energy boost";
      case KeyRule::kMinor: return t.key->minor && music::camelot_compatibility(*cur.key, *t.key) >= 0.6;
      case KeyRule::kMajor: return !t.key->minor && music::camelot_compatibility(*cur.key, *t.key) >= 0.6;
      default: return compatible[t.key->tonic * 2 + (t.key->minor ? 1 : 0)];
    }
  };
  auto tempo_ok = [&](const TrackFeatures& t, const Constraints& cc) {
    if (!cc.tempo) return true;
    if (!t.bpm) return false;
    const double pct = tempo_shift_pct(*target_bpm, *t.bpm);
    return pct >= cc.tempo_lo_pct && pct <= cc.tempo_hi_pct;
  };
  // Excluded: the current track (and any duplicate of it) and the tracks already played. The id
  // strings are compared only when the cheap first characters agree.
  std::vector<const std::string*> skip_ids = {&cur.track_id};
  for (const auto& id : opt.exclude) skip_ids.push_back(&id);
  auto excluded = [&](size_t i) {
    if (i == current) return true;
    const std::string& id = lib[i].track_id;
    for (const std::string* s : skip_ids) {
      if (!s->empty() && !id.empty() && (*s)[0] == id[0] && *s == id) return true;
    }
    return false;
  };

  // Hard constraints, relaxed step by step while too few tracks pass.
  const PackedAttributes* packed = opt.packed && opt.packed->bpm.size() == lib.size() &&
                                           opt.packed->key.size() == lib.size() && opt.packed->id_hash.size() == lib.size()
                                       ? opt.packed
                                       : nullptr;
  // With packed attributes, exclusions are tested on 32-bit id hashes first; a track's strings are
  // read only when its hash matches one of the few excluded ids.
  std::vector<uint32_t> skip_hashes;
  for (const std::string* id : skip_ids) skip_hashes.push_back(id_hash32(*id));
  auto excluded_packed = [&](size_t i) {
    if (i == current) return true;
    const uint32_t h = packed->id_hash[i];
    for (uint32_t sh : skip_hashes) {
      if (sh == h && excluded(i)) return true;
    }
    return false;
  };
  const Constraints original = c;
  std::vector<size_t> pool;
  const size_t wanted = std::max<size_t>(opt.top, 1);
  for (int stage = 0; stage < 4; ++stage) {
    pool.clear();
    if (packed) {
      // The same tests on packed attributes: tempo band as ratios, keys as a 24-entry table.
      std::array<bool, 24> key_pass{};
      for (int k = 0; k < 24; ++k) {
        TrackFeatures probe;
        probe.key = music::Key{k / 2, k % 2 == 1};
        key_pass[k] = key_ok(probe);
      }
      // b * m / target within [lo, hi] for m in {1/2, 1, 2}, as three bpm ranges (NaN fails all).
      const double lo = 1.0 + c.tempo_lo_pct / 100.0, hi = 1.0 + c.tempo_hi_pct / 100.0;
      const double target = target_bpm.value_or(0.0);
      float r_lo[3], r_hi[3];
      int ri = 0;
      for (double m : {0.5, 1.0, 2.0}) {
        r_lo[ri] = static_cast<float>(lo * target / m);
        r_hi[ri++] = static_cast<float>(hi * target / m);
      }
      const float* bpm = packed->bpm.data();
      const int8_t* key = packed->key.data();
      for (size_t i = 0; i < lib.size(); ++i) {
        if (c.key && (key[i] < 0 || !key_pass[static_cast<size_t>(key[i])])) continue;
        if (c.tempo) {
          const float b = bpm[i];
          if (!((b >= r_lo[0] && b <= r_hi[0]) || (b >= r_lo[1] && b <= r_hi[1]) || (b >= r_lo[2] && b <= r_hi[2]))) {
            continue;
          }
        }
        if (!excluded_packed(i)) pool.push_back(i);
      }
    } else {
      for (size_t i = 0; i < lib.size(); ++i) {
        if (!excluded(i) && tempo_ok(lib[i], c) && (!c.key || key_ok(lib[i]))) pool.push_back(i);
      }
    }
    if (pool.size() >= wanted) break;
    if (stage == 0 && c.tempo) {
      c.tempo_lo_pct = std::min(c.tempo_lo_pct, -10.0);
      c.tempo_hi_pct = std::max(c.tempo_hi_pct, 10.0);
      out.relaxed.push_back("tempo window widened to ±10%");
    } else if (stage <= 1 && c.key) {
      c.key = false;
      out.relaxed.push_back("key constraint dropped");
    } else if (c.tempo) {
      c.tempo = false;
      out.relaxed.push_back("tempo constraint dropped");
    } else {
      break;
    }
  }

  // The factors the prompt talks about weigh four times as much as the rest.
  const auto& w = opt.weights && opt.weights->size() == default_weights().size() ? *opt.weights : default_weights();
  double boost[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  if (in.energy != Direction::kNone || in.narrative) boost[0] = 4;
  if (in.key_rule != KeyRule::kHarmonic) boost[1] = 4;
  if (in.tempo != Direction::kNone || in.target_bpm || in.bpm_delta) boost[2] = 4;
  if (in.vibe || in.brightness != 0 || !in.avoid_moods.empty() || in.similarity != prompt::Similarity::kDefault) {
    boost[3] = 4;
  }
  if (in.genre_rule != prompt::GenreRule::kAny || in.similarity != prompt::Similarity::kDefault) boost[4] = 4;
  if (in.vocals) boost[6] = 4;
  if (!in.moods.empty()) boost[7] = 4;
  if (in.narrative) boost[9] = 4;
  // The set's stages in order; a narrative names the stage it wants.
  static const char* kStages[] = {"opener", "journey", "peak", "closer"};
  auto stage_of = [](const std::optional<std::string>& s) {
    for (int k = 0; k < 4; ++k) {
      if (s && *s == kStages[k]) return k;
    }
    return -1;
  };
  int wanted_stage = -1;
  if (in.narrative == std::string("warm-up")) wanted_stage = 0;
  if (in.narrative == std::string("build")) wanted_stage = 1;
  if (in.narrative == std::string("peak")) wanted_stage = 2;
  if (in.narrative == std::string("closer") || in.narrative == std::string("wind-down")) wanted_stage = 3;
  const int current_stage = stage_of(cur.intensity);
  // The embedding query: the current track moved along the intent's direction.
  const bool use_embedding = opt.mode != Mode::kFeatures && opt.embeddings && opt.embeddings->size() == lib.size();
  embed::Vector query{};
  if (use_embedding) {
    const schema::TrackRecord cur_record = opt.records ? (*opt.records)[current] : schema::TrackRecord{};
    query = embed::steer((*opt.embeddings)[current], embed::intent_direction(in, cur_record), 1.0f);
  }
  // Scores every candidate; the reasons (string work) only when asked, i.e. for the final top N.
  auto evaluate = [&](size_t i, bool explain) {
    const TrackFeatures& t = lib[i];
    std::vector<std::pair<double, std::string>> why;  // (importance, text)
    const double similarity = use_embedding ? 0.5 * (1.0 + embed::dot(query, (*opt.embeddings)[i])) : 0.5;
    double f[10];
    // Energy trajectory.
    if (t.energy) {
      f[0] = std::clamp(1.0 - std::fabs(*t.energy - energy_target) / 4.0, 0.0, 1.0);
      // A move the wrong way (or any move when the energy should hold) costs most of the factor.
      const double d = *t.energy - cur.energy.value_or(*t.energy);
      if ((in.energy == Direction::kUp && d <= 0) || (in.energy == Direction::kDown && d >= 0) ||
          (in.energy == Direction::kHold && d != 0)) {
        f[0] *= in.energy == Direction::kHold ? std::max(0.0, 1.0 - std::fabs(d) / 2.0) : 0.3;
      }
      if (cur.energy) {
        if (explain) why.push_back({in.energy != Direction::kNone ? 3.0 : 1.0,
                       "energy " + fmt("%.0f", *cur.energy) + "→" + fmt("%.0f", *t.energy)});
      }
    } else {
      f[0] = 0.5;
    }
    // Key.
    if (t.key && cur.key) {
      f[1] = in.key_rule == KeyRule::kSpecific ? (*t.key == *in.key ? 1.0 : 0.0)
                                                : music::camelot_compatibility(*cur.key, *t.key);
      const std::string rel = music::camelot_relation(*cur.key, *t.key);
      if (explain) why.push_back({2.0, cur.key->camelot() + "→" + t.key->camelot() + " " +
                              (rel == "same key" ? "same key" : rel == "clash" ? "key change" : rel)});
    } else {
      f[1] = t.key ? 0.5 : 0.3;
    }
    // Tempo.
    if (t.bpm && target_bpm) {
      const double pct = tempo_shift_pct(*target_bpm, *t.bpm);
      f[2] = std::clamp(1.0 - std::fabs(pct) / 8.0, 0.0, 1.0);
      if (in.tempo == Direction::kUp) f[2] = pct > 0 ? std::clamp(0.6 + pct / 10.0, 0.0, 1.0) : 0.2;
      if (in.tempo == Direction::kDown) f[2] = pct < 0 ? std::clamp(0.6 - pct / 10.0, 0.0, 1.0) : 0.2;
      if (cur.bpm) {
        const double from = *cur.bpm;
        if (explain) why.push_back({1.5, fmt("%.0f", from) + "→" + fmt("%.0f", *t.bpm) + " BPM (" +
                                fmt("%+.1f", tempo_shift_pct(from, *t.bpm)) + "%)"});
      }
    } else {
      f[2] = 0.3;
    }
    // Vibe: the schema's vibe when known, the key's mode as a proxy for darker/brighter otherwise.
    f[3] = 0.5;
    if (in.vibe) {
      if (t.vibe) {
        f[3] = *t.vibe == *in.vibe ? 1.0 : 0.2;
        if (*t.vibe == *in.vibe) if (explain) why.push_back({3.0, *in.vibe + (cur.vibe ? " (" + *cur.vibe + "→" + *t.vibe + ")" : "")});
      } else if (in.brightness != 0 && t.key) {
        const bool darker = in.brightness < 0;
        f[3] = t.key->minor == darker ? 0.8 : 0.3;
        if (t.key->minor == darker) if (explain) why.push_back({2.5, std::string(darker ? "darker" : "brighter") + " (" +
                                                             (darker ? "minor" : "major") + " key)"});
      }
    } else if (cur.vibe && t.vibe) {
      f[3] = *cur.vibe == *t.vibe ? (in.similarity == prompt::Similarity::kDifferent ? 0.3 : 0.9) : 0.5;
    }
    for (const auto& a : in.avoid_moods) {
      if ((t.vibe && *t.vibe == a) || t.genre == a) f[3] *= 0.2;
    }
    // Genre.
    const bool same_genre = !t.genre.empty() && t.genre == cur.genre;
    switch (in.genre_rule) {
      case prompt::GenreRule::kSpecific:
        f[4] = t.genre == *in.genre || t.genre.find(*in.genre) != std::string::npos ? 1.0 : 0.1;
        if (f[4] == 1.0) if (explain) why.push_back({3.0, "genre " + t.genre});
        break;
      case prompt::GenreRule::kSame: f[4] = same_genre ? 1.0 : 0.2; break;
      case prompt::GenreRule::kChange:
        f[4] = same_genre ? 0.1 : 1.0;
        if (!same_genre && !t.genre.empty()) if (explain) why.push_back({2.5, "genre change: " + cur.genre + "→" + t.genre});
        break;
      default:
        f[4] = same_genre ? (in.similarity == prompt::Similarity::kDifferent ? 0.3 : 0.8) : 0.55;
    }
    // Mixability: the current track's way out and the candidate's way in.
    f[5] = (cur.mix_out && t.mix_in) ? (*cur.mix_out + *t.mix_in) / 20.0 : 0.5;
    // Vocals.
    f[6] = 0.5;
    if (in.vocals && t.vocal_presence) {
      const bool has = *t.vocal_presence != "instrumental";
      f[6] = has == *in.vocals ? 1.0 : 0.0;
      if (in.vocal_presence && has) f[6] = *t.vocal_presence == *in.vocal_presence ? 1.0 : 0.4;
      if (f[6] == 1.0) if (explain) why.push_back({2.0, has ? "vocals: " + *t.vocal_presence : "instrumental"});
    }
    // Moods.
    f[7] = 0.5;
    if (!in.moods.empty()) {
      int hit = 0;
      for (const auto& m : in.moods) hit += std::count(t.moods.begin(), t.moods.end(), m) > 0;
      f[7] = static_cast<double>(hit) / static_cast<double>(in.moods.size());
      if (hit) if (explain) why.push_back({2.0, "mood match"});
    }
    // Groove: the same groove mixes most easily.
    f[8] = (cur.groove && t.groove) ? (*cur.groove == *t.groove ? 1.0 : 0.4) : 0.5;
    if (f[8] == 1.0 && explain) why.push_back({0.8, "same groove (" + *t.groove + ")"});
    // Narrative flow: the stage the prompt asks for, else the same or the next stage of the set.
    const int stage = stage_of(t.intensity);
    f[9] = 0.5;
    if (stage >= 0 && wanted_stage >= 0) {
      f[9] = stage == wanted_stage ? 1.0 : 0.2;
      if (stage == wanted_stage && explain) why.push_back({2.5, std::string("set stage: ") + kStages[stage]});
    } else if (stage >= 0 && current_stage >= 0) {
      f[9] = stage == current_stage || stage == current_stage + 1 ? 0.8 : stage < current_stage ? 0.3 : 0.5;
    }
    double sum = 0.0, wsum = 0.0;
    for (size_t k = 0; k < w.size(); ++k) {
      sum += boost[k] * w[k].weight * f[k];
      wsum += boost[k] * w[k].weight;
    }
    double score = sum / wsum;
    if (opt.mode == Mode::kEmbedding && use_embedding) score = similarity;
    if (opt.mode == Mode::kFull && use_embedding) score = 0.8 * score + 0.2 * similarity;
    if (use_embedding) if (explain) why.push_back({0.5, fmt("embedding similarity %.2f", similarity)});
    Recommendation rec;
    rec.index = i;
    rec.score = std::round(1000.0 * score) / 1000.0;
    std::stable_sort(why.begin(), why.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t k = 0; k < why.size() && k < 4; ++k) rec.reasons.push_back(why[k].second);
    if (explain && !tempo_ok(t, original)) rec.reasons.push_back("outside the usual tempo window (relaxed)");
    if (explain && original.key && !key_ok(t)) {
      switch (in.key_rule) {
        case KeyRule::kSame: rec.reasons.push_back("not the same key (relaxed)"); break;
        case KeyRule::kSpecific: rec.reasons.push_back("not in " + in.key->camelot() + " (relaxed)"); break;
        case KeyRule::kEnergyBoost: rec.reasons.push_back("not an energy-boost key (relaxed)"); break;
        case KeyRule::kMinor: rec.reasons.push_back("not a compatible minor key (relaxed)"); break;
        case KeyRule::kMajor: rec.reasons.push_back("not a compatible major key (relaxed)"); break;
        default: rec.reasons.push_back("not a harmonic match (key constraint relaxed)");
      }
    }
    return rec;
  };
  // Retrieval: with embeddings, only the ~50 candidates nearest the steered query are ranked.
  // With 8-bit copies, a first pass over them keeps 4x as many, re-scored in float.
  const size_t keep = std::max<size_t>(50, opt.top);
  // Keeps the n best of `ids` by score(position in ids, track index).
  auto nearest = [&](std::vector<size_t>& ids, size_t n, auto score) {
    if (ids.size() <= n) return;
    std::vector<std::pair<decltype(score(size_t{0}, size_t{0})), size_t>> near;
    near.reserve(ids.size());
    for (size_t k = 0; k < ids.size(); ++k) near.push_back({score(k, ids[k]), ids[k]});
    std::partial_sort(near.begin(), near.begin() + static_cast<std::ptrdiff_t>(n), near.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    ids.clear();
    for (size_t k = 0; k < n; ++k) ids.push_back(near[k].second);
  };
  if (use_embedding) {
    if (opt.compact && opt.compact->size() == lib.size() && pool.size() > 4 * keep) {
      // The pool's vectors lie scattered through a large array: fetch a few candidates ahead so
      // the scan runs at memory bandwidth rather than memory latency.
      const embed::Compact q8 = embed::compact(query);
      const auto& cv = *opt.compact;
      std::vector<int32_t> s8(pool.size());
      constexpr size_t kAhead = 6;
      for (size_t j = 0; j < pool.size(); ++j) {
        if (j + kAhead < pool.size()) {
          const char* p = reinterpret_cast<const char*>(cv[pool[j + kAhead]].data());
          for (size_t line = 0; line < sizeof(embed::Compact); line += 64) __builtin_prefetch(p + line);
        }
        s8[j] = embed::dot(q8, cv[pool[j]]);
      }
      nearest(pool, 4 * keep, [&](size_t k, size_t) { return s8[k]; });
    }
    nearest(pool, keep, [&](size_t, size_t i) { return embed::dot(query, (*opt.embeddings)[i]); });
  }
  for (size_t i : pool) out.results.push_back(evaluate(i, false));
  std::stable_sort(out.results.begin(), out.results.end(), [&](const Recommendation& a, const Recommendation& b) {
    if (a.score != b.score) return a.score > b.score;
    return lib[a.index].track_id < lib[b.index].track_id;
  });
  if (out.results.size() > opt.top) out.results.resize(opt.top);
  for (auto& r : out.results) r = evaluate(r.index, true);
  return out;
}

}  // namespace codex::rank
