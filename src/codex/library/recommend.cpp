#include "codex/library/recommend.h"

#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <unordered_map>

namespace codex::library {

LoadedLibrary load_library(std::vector<schema::TrackRecord> records) {
  LoadedLibrary lib;
  lib.records = std::move(records);
  std::set<std::string> genres, moods;
  lib.features.reserve(lib.records.size());
  // The exact float scan: the reference answer. (The compact index, an 8-bit first pass, is the
  // candidate for very large libraries once measured against it there.)
  std::shared_ptr<index::VectorIndex> idx = index::make_exact_index(embed::kDims);
  for (const auto& r : lib.records) {
    lib.features.push_back(rank::features_from_record(r));
    idx->add(static_cast<uint32_t>(lib.features.size() - 1), embed::embed_record(r).data());
    if (!lib.features.back().genre.empty()) genres.insert(lib.features.back().genre);
    for (const auto& m : lib.features.back().moods) moods.insert(m);
  }
  lib.vocabulary.genres.assign(genres.begin(), genres.end());
  lib.vocabulary.moods.assign(moods.begin(), moods.end());
  lib.packed = rank::pack_attributes(lib.features);
  lib.directions = acoustic_directions(lib.records);
  lib.index = std::move(idx);
  return lib;
}

Result<LoadedLibrary> load_library(corpus::Corpus& corpus, RecordDetail detail) {
  auto records = all_records(corpus, detail);
  if (!records) return records.status();
  return load_library(std::move(records).value());
}

namespace {

// Days from an ISO 8601 time or date ("2024-05-01", "2024-05-01T21:30:00Z") to now; nullopt when unreadable.
std::optional<double> days_ago(const std::string& at) {
  int y = 0, m = 0, d = 0, hh = 0, mm = 0, ss = 0;
  if (std::sscanf(at.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return std::nullopt;
  if (at.size() >= 19) std::sscanf(at.c_str() + 11, "%2d:%2d:%2d", &hh, &mm, &ss);
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::max(0.0, std::difftime(std::time(nullptr), t) / 86400.0);
}

// Track id -> position, built once per request that needs it (a scan: milliseconds at 100k).
std::unordered_map<std::string_view, size_t> positions_of(const rank::TrackTable& tracks) {
  std::unordered_map<std::string_view, size_t> out;
  out.reserve(tracks.size());
  for (size_t i = 0; i < tracks.size(); ++i) out.emplace(tracks.track_id(i), i);
  return out;
}

// The request over any library view; `steer` gives the current track's vector and steering record.
template <class Steer>
Result<RecommendResponse> recommend_over(const rank::TrackTable& tracks, const rank::PackedAttributes& packed,
                                         const index::VectorIndex* index, const prompt::Vocabulary& vocabulary,
                                         const embed::AcousticDirections& directions, const RecommendRequest& req,
                                         corpus::Corpus* corpus, Steer&& steer) {
  if (!req.session.empty()) return Status::Invalid("a set (session) is kept by the library service (LiveLibrary)");
  if (tracks.size() == 0) {
    return Status::NotFound("the corpus is empty: run codex analyze FOLDER (or codex import FILE.jsonl) first");
  }
  auto current = rank::find_track(tracks, req.current);
  if (!current) return current.status();
  RecommendResponse out;
  out.current = *current;
  out.intent = prompt::parse_intent(req.prompt, vocabulary);
  std::vector<std::string> exclude = req.exclude;
  rank::RecommendOptions opt;
  rank::History history;
  std::vector<bool> only;
  if (corpus && (req.history || !req.crate.empty())) {
    std::unordered_map<std::string_view, size_t> pos;
    const std::string current_id(tracks.track_id(*current));
    if (!req.crate.empty()) {
      auto members = corpus->dj().members(req.crate);
      if (!members) return members.status();
      auto played = corpus->history().plays(req.crate);  // a CODEX set is a list too
      if (!played) return played.status();
      for (const auto& p : *played) members->push_back(p.track_id);
      if (members->empty()) return Status::NotFound("no crate, playlist or set called \"" + req.crate + "\" with analysed tracks");
      pos = positions_of(tracks);
      only.assign(tracks.size(), false);
      for (const auto& id : *members) {
        if (auto it = pos.find(id); it != pos.end()) only[it->second] = true;
      }
      opt.only = &only;
    }
    if (req.history) {
      auto after = corpus->dj().transitions_from(current_id);
      if (!after) return after.status();
      std::map<std::string, std::set<std::string>> sets;  // next track -> the sets it followed in
      for (const auto& t : *after) sets[t.to].insert(t.set.empty() ? t.at.substr(0, 10) : t.set);
      std::optional<std::map<std::string, std::string>> last;
      if (out.intent.history == prompt::HistoryRule::kFresh) {
        auto l = corpus->dj().last_played();
        if (!l) return l.status();
        last = std::move(*l);
      }
      if (!sets.empty() || last) {
        if (pos.empty()) pos = positions_of(tracks);
        for (const auto& [id, in] : sets) {
          if (auto it = pos.find(id); it != pos.end()) history.played_after[it->second] = static_cast<int>(in.size());
        }
        if (last) {
          for (const auto& [id, at] : *last) {
            auto it = pos.find(id);
            auto days = days_ago(at);
            if (it != pos.end() && days) history.days_since[it->second] = *days;
          }
        }
        opt.history = &history;
      }
    }
  }
  opt.top = req.top;
  opt.exclude = std::move(exclude);
  opt.mode = req.mode;
  opt.index = index;
  opt.packed = &packed;
  opt.weights = req.weights;
  opt.directions = &directions;
  steer(*current, opt);
  out.ranked = rank::recommend(tracks, *current, out.intent, opt);
  out.current_track = tracks.at(*current);
  for (const auto& r : out.ranked.results) out.tracks.push_back(tracks.at(r.index));
  return out;
}

}  // namespace

Result<RecommendResponse> recommend(const LoadedLibrary& lib, const RecommendRequest& req, corpus::Corpus* corpus) {
  const rank::VectorTable tracks(lib.features);
  auto out = recommend_over(tracks, lib.packed, lib.index.get(), lib.vocabulary, lib.directions, req, corpus,
                            [&](size_t, rank::RecommendOptions& opt) { opt.records = &lib.records; });
  return out;
}

Result<RecommendResponse> recommend(const Snapshot& snap, const RecommendRequest& req, corpus::Corpus* corpus) {
  const SnapshotTable tracks(snap);
  embed::Vector base{};
  schema::TrackRecord steering;
  bool have_vector = false;
  auto out = recommend_over(tracks, snap.packed(), &snap.index(), snap.vocabulary(), snap.directions(), req, corpus,
                            [&](size_t current, rank::RecommendOptions& opt) {
                              steering = snap.steering_record(current);
                              opt.current_record = &steering;
                              if (snap.index().vector(static_cast<uint32_t>(current), base.data())) {
                                have_vector = true;
                                opt.current_vector = &base;
                              }
                            });
  if (out && (snap.index().damaged() || (req.mode != rank::Mode::kFeatures && !have_vector))) {
    return Status::Corrupt("the library snapshot is damaged");
  }
  return out;
}

}  // namespace codex::library
