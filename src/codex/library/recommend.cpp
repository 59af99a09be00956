#include "codex/library/recommend.h"

#include <cstdio>
#include <set>

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

// The request over any library view; `steer` gives the current track's vector and steering record.
template <class Steer>
Result<RecommendResponse> recommend_over(const rank::TrackTable& tracks, const rank::PackedAttributes& packed,
                                         const index::VectorIndex* index, const prompt::Vocabulary& vocabulary,
                                         const embed::AcousticDirections& directions, const RecommendRequest& req,
                                         corpus::Corpus* corpus, Steer&& steer) {
  if (tracks.size() == 0) {
    return Status::Error("the corpus is empty: run codex analyze FOLDER (or codex import FILE.jsonl) first");
  }
  auto current = rank::find_track(tracks, req.current);
  if (!current) return current.status();
  RecommendResponse out;
  out.current = *current;
  out.intent = prompt::parse_intent(req.prompt, vocabulary);
  std::vector<std::string> exclude = req.exclude;
  if (!req.session.empty()) {
    if (!corpus) return Status::Error("a session needs the corpus");
    auto played = corpus->history().played(req.session);
    if (!played) return played.status();
    exclude.insert(exclude.end(), played->begin(), played->end());
  }
  rank::RecommendOptions opt;
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

// The session remembers the current track once the answer stands (not when it is asked again).
Status record_session(corpus::Corpus* corpus, const RecommendRequest& req, const RecommendResponse& out) {
  if (req.session.empty() || !corpus) return Status::Ok();
  return corpus->history().record_play(req.session, out.current_track.track_id);
}

}  // namespace

Result<RecommendResponse> recommend(const LoadedLibrary& lib, const RecommendRequest& req, corpus::Corpus* corpus) {
  const rank::VectorTable tracks(lib.features);
  auto out = recommend_over(tracks, lib.packed, lib.index.get(), lib.vocabulary, lib.directions, req, corpus,
                            [&](size_t, rank::RecommendOptions& opt) { opt.records = &lib.records; });
  if (!out) return out;
  if (Status s = record_session(corpus, req, *out); !s) return s;
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
    return Status::Error("the library snapshot is damaged");
  }
  if (!out) return out;
  if (Status s = record_session(corpus, req, *out); !s) return s;
  return out;
}

Result<RecommendResponse> recommend_from_corpus(corpus::Corpus& corpus, const RecommendRequest& req,
                                                const std::function<void(const std::string&)>& on_build) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto snap = open_snapshot(corpus, nullptr, on_build);
    if (!snap) {
      // Cannot be mapped nor written (a read-only folder): the records, in memory.
      auto loaded = load_library(corpus);
      if (!loaded) return loaded.status();
      return recommend(*loaded, req, &corpus);
    }
    auto out = recommend(**snap, req, &corpus);
    if (out || !(*snap)->index().damaged()) return out;
    // A damaged vector: the file is rebuilt and the request run again (once).
    std::remove(snapshot_path_for(corpus.path()).c_str());
  }
  return Status::Error("the library snapshot is damaged again after a rebuild");
}

}  // namespace codex::library
