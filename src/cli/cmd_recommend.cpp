#include <cmath>
#include <cstdio>

#include "codex/core/text.h"
#include "codex/library/live.h"
#include "commands.h"

namespace codex::cli {
namespace {

nlohmann::json track_json(const rank::TrackFeatures& t) {
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"track_id", t.track_id},
          {"title", t.title},
          {"artist", t.artist},
          {"bpm", opt(t.bpm)},
          {"key", t.key ? nlohmann::json(t.key->camelot()) : nlohmann::json(nullptr)},
          {"energy", opt(t.energy)},
          {"vibe", opt(t.vibe)},
          {"valence", opt(t.valence)},
          {"arousal", opt(t.arousal)},
          {"genre", t.genre}};
}

std::string describe(const rank::TrackFeatures& t) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s BPM, %s, energy %s",
                t.bpm ? (std::to_string(static_cast<int>(std::lround(*t.bpm)))).c_str() : "-",
                t.key ? t.key->camelot().c_str() : "-",
                t.energy ? std::to_string(static_cast<int>(std::lround(*t.energy))).c_str() : "-");
  std::string out = buf;
  if (t.valence && t.arousal) {
    std::snprintf(buf, sizeof buf, ", valence %+.2f, arousal %+.2f", *t.valence, *t.arousal);
    out += buf;
  }
  return out;
}

}  // namespace

int run_recommend(const GlobalArgs& g, const RecommendArgs& a) {
  auto lib = open_library(g);
  if (!lib) {
    print_error(lib.status().message());
    return exit_code(lib.status());
  }
  return print_recommendations(g, a, nullptr, **lib);
}

int print_recommendations(const GlobalArgs& g, const RecommendArgs& a, const library::LoadedLibrary* loaded,
                          library::LiveLibrary& live) {
  library::RecommendRequest req;
  req.current = a.current;
  req.prompt = a.prompt;
  req.top = static_cast<size_t>(a.top);
  req.exclude = a.exclude;
  req.session = a.session;
  req.crate = a.crate;
  req.history = !a.no_history;
  req.mode = a.mode == "features" ? rank::Mode::kFeatures : a.mode == "embedding" ? rank::Mode::kEmbedding : rank::Mode::kFull;
  std::vector<rank::Factor> weights;
  if (!a.weights.empty()) {
    auto w = rank::load_weights(a.weights);
    if (!w) {
      print_error(w.status().message());
      return 1;
    }
    weights = std::move(w).value();
    req.weights = &weights;
  }
  // The demo ranks the records it holds in memory (no set); everything else goes through the
  // library service, which keeps the set's rule.
  Result<library::RecommendResponse> response = Status::Error("unset");
  if (loaded) {
    response = library::recommend(*loaded, req, &live.corpus());
  } else if (auto answer = live.recommend(req)) {
    response = std::move(answer->response);
    // The DJ says this track is playing in the set: a play (the booth records its plays the same way).
    if (!a.session.empty()) {
      if (Status st = live.record(a.session, response->current_track.track_id, library::SetAction::kPlayed); !st) {
        print_error(st.message());
        return exit_code(st);
      }
    }
  } else {
    response = answer.status();
  }
  if (!response) {
    print_error(response.status().message());
    return exit_code(response.status());
  }
  const prompt::Intent& intent = response->intent;
  const rank::RecommendResult& res = response->ranked;
  const rank::TrackFeatures& cur = response->current_track;

  if (g.json) {
    nlohmann::json results = nlohmann::json::array();
    for (size_t k = 0; k < res.results.size(); ++k) {
      const auto& r = res.results[k];
      nlohmann::json j = track_json(response->tracks[k]);
      j["score"] = r.score;
      j["reasons"] = r.reasons;
      results.push_back(j);
    }
    nlohmann::json out = {{"current", track_json(cur)}, {"intent", intent.to_json()}, {"results", results}};
    out["relaxed"] = res.relaxed;
    out["mode"] = a.mode;
    std::printf("%s\n", json_text(out).c_str());
    return 0;
  }
  std::printf("Now playing: %s — %s  (%s)\n", printable(cur.artist).c_str(), printable(cur.title).c_str(),
              describe(cur).c_str());
  if (!a.prompt.empty()) {
    std::printf("Prompt: \"%s\"", printable(a.prompt).c_str());
    if (!intent.understood.empty()) {
      std::string u;
      for (const auto& s : intent.understood) u += (u.empty() ? "" : ", ") + s;
      std::printf("  understood: %s", u.c_str());
    }
    if (!intent.unknown.empty()) {
      std::string u;
      for (const auto& s : intent.unknown) u += (u.empty() ? "" : ", ") + s;
      std::printf("  (not understood: %s)", u.c_str());
    }
    std::printf("\n");
  }
  if (a.explain) std::printf("Intent: %s\n", json_text(intent.to_json(), 2).c_str());
  if (res.results.empty()) {
    std::printf("No track fits; try a prompt such as \"any key\" or \"tempo change\".\n");
    return 0;
  }
  int n = 0;
  for (size_t k = 0; k < res.results.size(); ++k) {
    const auto& r = res.results[k];
    const auto& t = response->tracks[k];
    std::string reasons;
    for (const auto& s : r.reasons) reasons += (reasons.empty() ? "" : " · ") + s;
    std::printf("%2d. %.2f  %s — %s  (%s)\n      %s\n", ++n, r.score, printable(t.artist).c_str(),
                printable(t.title).c_str(), describe(t).c_str(), printable(reasons).c_str());
  }
  return 0;
}

}  // namespace codex::cli
