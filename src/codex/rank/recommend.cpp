#include "codex/rank/recommend.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "codex/rank/constraints.h"
#include "codex/rank/relax.h"

namespace codex::rank {

RecommendResult recommend(const std::vector<TrackFeatures>& lib, size_t current, const prompt::Intent& in,
                          const RecommendOptions& opt) {
  return recommend(VectorTable(lib), current, in, opt);
}

RecommendResult recommend(const TrackTable& lib, size_t current, const prompt::Intent& in, const RecommendOptions& opt) {
  RecommendResult out;
  const TrackFeatures& cur = lib.at(current);
  const Plan plan = plan_for(cur, in);
  const Exclusion exclusion(lib, current, opt.exclude);

  // Hard constraints, relaxed step by step while too few tracks pass.
  PackedAttributes own;
  const PackedAttributes* packed = opt.packed;
  if (!packed || packed->bpm.size() != lib.size() || packed->key.size() != lib.size() ||
      packed->id_hash.size() != lib.size()) {
    std::vector<TrackFeatures> all;
    all.reserve(lib.size());
    for (size_t i = 0; i < lib.size(); ++i) all.push_back(lib.at(i));
    own = pack_attributes(all);
    packed = &own;
  }
  std::optional<std::pair<double, double>> current_mood;
  if (cur.valence && cur.arousal) current_mood = std::make_pair(*cur.valence, *cur.arousal);
  Pool pool = select_pool(*packed, plan, exclusion, std::max<size_t>(opt.top, 1), &in, current_mood);
  out.relaxed = pool.relaxed;

  // Retrieval: in the embedding modes, the ~50 candidates nearest the current track steered by the
  // intent, and their similarity.
  std::unique_ptr<index::VectorIndex> own_index;
  const index::VectorIndex* idx = opt.index;
  if (opt.mode != Mode::kFeatures && !idx && opt.embeddings && opt.embeddings->size() == lib.size()) {
    own_index = index::make_exact_index(embed::kDims);
    for (size_t i = 0; i < lib.size(); ++i) own_index->add(static_cast<uint32_t>(i), (*opt.embeddings)[i].data());
    idx = own_index.get();
  }
  const bool have_base = (opt.embeddings && opt.embeddings->size() == lib.size()) ||
                         (opt.records && opt.records->size() == lib.size()) || opt.current_vector;
  const bool use_embedding = opt.mode != Mode::kFeatures && idx && idx->size() == lib.size() && have_base;
  std::unordered_map<size_t, double> similarity;
  if (use_embedding) {
    const embed::Vector base = opt.current_vector ? *opt.current_vector
                               : opt.embeddings && opt.embeddings->size() == lib.size()
                                   ? (*opt.embeddings)[current]
                                   : embed::embed_record((*opt.records)[current]);
    const schema::TrackRecord cur_record = opt.current_record              ? *opt.current_record
                                           : opt.records && opt.records->size() == lib.size() ? (*opt.records)[current]
                                                                                            : schema::TrackRecord{};
    const embed::Vector query = embed::steer(base, embed::intent_direction(in, cur_record, opt.directions), 1.0f);
    const size_t keep = std::max<size_t>(50, opt.top);
    std::vector<uint32_t> ids(pool.ids.begin(), pool.ids.end());
    const auto hits = idx->search_among(query.data(), std::min(keep, ids.size()), ids);
    pool.ids.clear();
    for (const auto& h : hits) {
      pool.ids.push_back(h.id);
      similarity[h.id] = 0.5 * (1.0 + h.score);
    }
  }

  // Scores every candidate; the reasons (string work) only for the final top N.
  const auto& w = opt.weights && opt.weights->size() == default_weights().size() ? *opt.weights : default_weights();
  const ScoreContext ctx{cur, in, plan, w, boosts_for(in), opt.mode, use_embedding};
  auto evaluate = [&](size_t i, bool explain) {
    const TrackFeatures& t = lib.at(i);
    auto it = similarity.find(i);
    const double sim = it == similarity.end() ? 0.5 : it->second;
    Evidence why;
    Recommendation rec;
    rec.index = i;
    rec.score = std::round(1000.0 * score(ctx, t, sim, explain ? &why : nullptr)) / 1000.0;
    if (!explain) return rec;
    rec.reasons = top_reasons(std::move(why));
    if (!tempo_ok(plan, plan.window, t.bpm)) rec.reasons.push_back(tempo_relaxed_note());
    else if (plan.tempo_widened_down && t.bpm && plan.target_bpm && tempo_shift_pct(*plan.target_bpm, *t.bpm) < -6.0) {
      rec.reasons.push_back(tempo_widened_note(in, *plan.target_bpm, *t.bpm));
    }
    if (plan.window.key && !key_ok(plan, t.key)) rec.reasons.push_back(key_relaxed_note(in));
    return rec;
  };
  // (Features built for scoring are let go at once: in the features mode the pool can be most of
  // a large library.)
  for (size_t i : pool.ids) {
    out.results.push_back(evaluate(i, false));
    if (i != current) lib.release(i);
  }
  std::stable_sort(out.results.begin(), out.results.end(), [&](const Recommendation& a, const Recommendation& b) {
    if (a.score != b.score) return a.score > b.score;
    return lib.track_id(a.index) < lib.track_id(b.index);
  });
  if (out.results.size() > opt.top) out.results.resize(opt.top);
  for (auto& r : out.results) r = evaluate(r.index, true);
  return out;
}

}  // namespace codex::rank
