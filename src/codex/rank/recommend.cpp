#include "codex/rank/recommend.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "codex/rank/constraints.h"
#include "codex/rank/relax.h"

namespace codex::rank {

RecommendResult recommend(const std::vector<TrackFeatures>& lib, size_t current, const prompt::Intent& in,
                          const RecommendOptions& opt) {
  return recommend(VectorTable(lib), current, in, opt);
}

namespace {

double habit_of(const History& h, size_t i) {
  auto it = h.played_after.find(i);
  return it == h.played_after.end() ? 0.0 : std::min(1.0, std::log2(1.0 + it->second) / 2.0);
}

std::string history_reason(const History& h, size_t i, prompt::HistoryRule rule) {
  if (auto it = h.played_after.find(i); it != h.played_after.end() && rule != prompt::HistoryRule::kFresh) {
    return it->second == 1 ? "you played it after this in one of your sets"
                           : "you played it after this in " + std::to_string(it->second) + " of your sets";
  }
  if (rule != prompt::HistoryRule::kFresh) return "";
  auto it = h.days_since.find(i);
  if (it == h.days_since.end()) return "not in any set you played";
  const int days = static_cast<int>(std::floor(it->second));
  return days < 1 ? "played today" : days == 1 ? "last played yesterday" : "last played " + std::to_string(days) + " days ago";
}

}  // namespace

double history_bonus(const History& h, size_t i, prompt::HistoryRule rule) {
  const double habit = habit_of(h, i);
  switch (rule) {
    case prompt::HistoryRule::kUsual: return 0.5 * habit;
    case prompt::HistoryRule::kFresh: {
      auto it = h.days_since.find(i);
      const double freshness = it == h.days_since.end() ? 1.0 : std::clamp(it->second / 180.0, 0.0, 1.0);
      return 0.25 * freshness;
    }
    default: return 0.10 * habit;
  }
}

RecommendResult recommend(const TrackTable& lib, size_t current, const prompt::Intent& in, const RecommendOptions& opt) {
  RecommendResult out;
  const TrackFeatures& cur = lib.at(current);
  const Plan plan = plan_for(cur, in);
  Exclusion exclusion(lib, current, opt.exclude);
  exclusion.restrict_to(opt.only);

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

  // "What I usually play after this": the tracks that followed this one in the DJ's sets are
  // candidates whatever the constraints say (the DJ has mixed them), unless excluded.
  if (opt.history && in.history == prompt::HistoryRule::kUsual) {
    std::unordered_set<size_t> have(pool.ids.begin(), pool.ids.end());
    for (const auto& [i, n] : opt.history->played_after) {
      if (i < lib.size() && !have.count(i) && !exclusion.excluded(i, packed->id_hash[i])) pool.ids.push_back(i);
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
    const double bonus = opt.history ? history_bonus(*opt.history, i, in.history) : 0.0;
    rec.score = std::round(1000.0 * (score(ctx, t, sim, explain ? &why : nullptr) + bonus)) / 1000.0;
    if (!explain) return rec;
    rec.reasons = top_reasons(std::move(why));
    if (opt.history) {
      if (std::string h = history_reason(*opt.history, i, in.history); !h.empty()) {
        // The DJ's own habit leads when it was asked for.
        if (in.history != prompt::HistoryRule::kDefault) rec.reasons.insert(rec.reasons.begin(), h);
        else rec.reasons.push_back(h);
      }
    }
    // A track the DJ has played after this one was asked for as such: no constraint was relaxed for it.
    if (in.history == prompt::HistoryRule::kUsual && opt.history && opt.history->played_after.count(i)) return rec;
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
  // "What I usually play after this" lists those tracks first (by score among them), then the rest.
  const bool usual_first = opt.history && in.history == prompt::HistoryRule::kUsual;
  std::stable_sort(out.results.begin(), out.results.end(), [&](const Recommendation& a, const Recommendation& b) {
    if (usual_first) {
      const bool ha = opt.history->played_after.count(a.index) > 0, hb = opt.history->played_after.count(b.index) > 0;
      if (ha != hb) return ha;
    }
    if (a.score != b.score) return a.score > b.score;
    return lib.track_id(a.index) < lib.track_id(b.index);
  });
  if (out.results.size() > opt.top) out.results.resize(opt.top);
  for (auto& r : out.results) r = evaluate(r.index, true);
  return out;
}

}  // namespace codex::rank
