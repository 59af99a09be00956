#include "codex/library/probe.h"

#include <cmath>
#include <cstdlib>

#include "codex/analysis/pass.h"
#include "codex/analysis/results.h"
#include "codex/core/text.h"
#include "codex/library/embedding.h"
#include "codex/library/records.h"

namespace codex::library {

Result<nlohmann::json> probe_file(const std::string& file, const std::vector<std::string>& params, corpus::Corpus* space_of) {
  auto analyzers = analysis::default_analyzers();
  for (const auto& spec : params) {
    if (Status st = analysis::set_param(analyzers, spec); !st.ok()) return st;
  }
  // The space first (a corpus without one fails before the slow part); a summary made with other
  // frame settings would not be in its units.
  std::optional<embed::AcousticModel> space;
  if (space_of) {
    for (const auto& spec : params) {
      if (spec.rfind("acoustic.", 0) == 0) {
        return Status::Invalid("--embedding cannot be combined with --param " + to_valid_utf8(spec) +
                               ": the summary would not be in the corpus's units");
      }
    }
    auto s = embedding_space_for(*space_of);
    if (!s) return s.status();
    space = std::move(s).value();
  }
  auto result = analysis::analyze_file(file, analyzers);
  if (!result) return Status::Error(result.status().code(), file + ": " + result.status().message());
  const auto& a = *result;
  nlohmann::json out = {{"path", file},
                        {"track_id", a.stats.track_id},
                        {"duration_seconds", std::round(a.stats.duration_s * 1000) / 1000},
                        {"bpm", nullptr},
                        {"key", nullptr},
                        {"key_name", nullptr},
                        {"codec", a.info.codec},
                        {"container", a.info.container},
                        {"sample_rate", a.info.native_rate_hz},
                        {"channels", a.info.source_channels},
                        {"flags", a.flags},
                        {"tags", a.info.tags}};
  nlohmann::json analyses = nlohmann::json::object();
  for (const auto& r : a.results) {
    analyses[r.stamp.id] = r.output.values;
    nlohmann::json v = r.output.values;
    if (r.stamp.id == "acoustic") v.erase("windows");  // kept out of sight: the track summary says it
    v["confidence"] = std::round(r.output.confidence * 1000) / 1000;
    out["analysis"][r.stamp.id] = std::move(v);
    analysis::add_probe_fields(r.stamp.id, r.output.values, &out);
  }
  if (space) {
    // In the space of the corpus (--db): its trained model, else its records' statistics.
    corpus::TrackRow row;
    row.track_id = a.stats.track_id;
    row.duration_s = a.stats.duration_s;
    row.codec = a.info.codec;
    std::vector<schema::TrackRecord> one = {schema::from_json(
        record_from_analyses(a.stats.track_id, row, analyses, &*space))};
    attach_acoustic(one, &*space);
    const embed::Vector v = embed::embed_record(one[0]);
    const std::vector<float> acoustic = embed::acoustic_of(one[0]);
    auto rounded = [](const float* x, size_t n) {
      nlohmann::json arr = nlohmann::json::array();
      for (size_t i = 0; i < n; ++i) arr.push_back(std::round(x[i] * 1e5) / 1e5);
      return arr;
    };
    out["embedding"] = {{"model", "codex-384/" + (acoustic.empty() ? std::string("features") : space->id())},
                        {"dims", embed::kDims},
                        {"vector", rounded(v.data(), v.size())},
                        {"acoustic", rounded(acoustic.data(), acoustic.size())}};
  }
  if (!params.empty()) out["param_overrides"] = params;  // an experiment's output says what it ran with
  return out;
}

}  // namespace codex::library
