#include "codex/rank/features.h"

#include <cmath>

#include "codex/core/text.h"

namespace codex::rank {

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
  if (const auto mood = schema::mood_of(r)) t.valence = mood->valence, t.arousal = mood->arousal;
  return t;
}

Result<size_t> find_track(const TrackTable& lib, const std::string& query) {
  if (query.empty()) return Status::Invalid("no track given");
  if (auto i = lib.find_id(query)) return *i;  // track ids are unique
  std::vector<size_t> hits;
  auto collect = [&](auto pred) {
    hits.clear();
    for (size_t i = 0; i < lib.size(); ++i) {
      if (pred(i)) hits.push_back(i);
    }
    return hits.size() == 1;
  };
  auto artist_title = [&](size_t i) {
    std::string s(lib.artist(i));
    s += " - ";
    s += lib.title(i);
    return ascii_lower(s);
  };
  if (collect([&](size_t i) { return lib.track_id(i) == query || lib.file_path(i) == query; })) return hits[0];
  const std::string q = ascii_lower(query);
  const bool by_prefix = collect([&](size_t i) { return lib.track_id(i).substr(0, query.size()) == query; });
  const std::vector<size_t> prefixed = hits;
  if (by_prefix) {
    // A short query may be the start of an id and a title too ("47"): never pick one silently.
    const size_t by_id = hits[0];
    std::vector<size_t> titled;
    for (size_t i = 0; i < lib.size(); ++i) {
      if (i != by_id && (artist_title(i) == q || ascii_lower(std::string(lib.title(i))) == q)) titled.push_back(i);
    }
    if (titled.empty()) return by_id;
    return Status::Ambiguous("'" + to_valid_utf8(query) + "' is the start of track id " + std::string(lib.track_id(by_id)) +
                         " and the title of " + to_valid_utf8(std::string(lib.artist(titled[0]))) + " - " +
                         to_valid_utf8(std::string(lib.title(titled[0]))) + "; give the whole id or \"artist - title\"");
  }
  if (collect([&](size_t i) { return artist_title(i) == q; })) return hits[0];
  if (collect([&](size_t i) { return ascii_lower(std::string(lib.title(i))) == q; })) return hits[0];
  if (collect([&](size_t i) { return artist_title(i).find(q) != std::string::npos; })) return hits[0];
  if (hits.empty() && prefixed.size() > 1) hits = prefixed;  // the start of several ids, and nothing else
  if (hits.size() > 1) {
    std::string named;
    for (size_t k = 0; k < hits.size() && k < 5; ++k) {
      named += (k ? "; " : "") + to_valid_utf8(std::string(lib.artist(hits[k]))) + " - " +
               to_valid_utf8(std::string(lib.title(hits[k]))) + " (" + std::string(lib.track_id(hits[k]).substr(0, 8)) + ")";
    }
    if (hits.size() > 5) named += "; ...";
    return Status::Ambiguous("'" + to_valid_utf8(query) + "' matches " + std::to_string(hits.size()) + " tracks (" + named +
                             "); give more of the title or the track id");
  }
  return Status::NotFound("no track matches '" + to_valid_utf8(query) + "'");
}

Result<size_t> find_track(const std::vector<TrackFeatures>& lib, const std::string& query) {
  return find_track(VectorTable(lib), query);
}

uint32_t id_hash32(std::string_view id) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char ch : id) h = (h ^ ch) * 16777619u;
  return h;
}

PackedAttributes pack_attributes(const std::vector<TrackFeatures>& lib) {
  PackedAttributes p;
  p.bpm.reserve(lib.size());
  p.key.reserve(lib.size());
  p.id_hash.reserve(lib.size());
  p.mood.reserve(2 * lib.size());
  for (const auto& t : lib) {
    p.bpm.push_back(t.bpm ? *t.bpm : std::nan(""));
    p.key.push_back(t.key ? static_cast<int8_t>(t.key->tonic * 2 + (t.key->minor ? 1 : 0)) : int8_t{-1});
    p.id_hash.push_back(id_hash32(t.track_id));
    p.mood.push_back(t.valence ? static_cast<float>(*t.valence) : std::nanf(""));
    p.mood.push_back(t.arousal ? static_cast<float>(*t.arousal) : std::nanf(""));
  }
  return p;
}

}  // namespace codex::rank
