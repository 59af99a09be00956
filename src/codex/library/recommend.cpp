#include "codex/library/recommend.h"

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

Result<RecommendResponse> recommend(const LoadedLibrary& lib, const RecommendRequest& req, corpus::Corpus* corpus) {
  if (lib.features.empty()) {
    return Status::Error("the corpus is empty: run codex analyze FOLDER (or codex import FILE.jsonl) first");
  }
  auto current = rank::find_track(lib.features, req.current);
  if (!current) return current.status();
  RecommendResponse out;
  out.current = *current;
  out.intent = prompt::parse_intent(req.prompt, lib.vocabulary);
  std::vector<std::string> exclude = req.exclude;
  if (!req.session.empty()) {
    if (!corpus) return Status::Error("a session needs the corpus");
    auto played = corpus->history().played(req.session);
    if (!played) return played.status();
    exclude.insert(exclude.end(), played->begin(), played->end());
    if (Status s = corpus->history().record_play(req.session, lib.features[*current].track_id); !s) return s;
  }
  rank::RecommendOptions opt;
  opt.top = req.top;
  opt.exclude = std::move(exclude);
  opt.mode = req.mode;
  opt.index = lib.index.get();
  opt.records = &lib.records;
  opt.packed = &lib.packed;
  opt.weights = req.weights;
  opt.directions = &lib.directions;
  out.ranked = rank::recommend(lib.features, *current, out.intent, opt);
  return out;
}

}  // namespace codex::library
