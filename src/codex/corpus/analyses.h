// Analyzer results per track, each stamped with the analyzer's version and parameter hash, stored
// as the analyzer wrote them (a JSON object). Written with the track (TrackStore::store); the corpus
// does not read inside them (analysis/results.h does).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/core/status.h"
#include "codex/corpus/connection.h"

namespace codex::corpus {

// Which analyzer, at which version and parameters, produced a result.
struct ResultStamp {
  std::string id;
  int64_t version = 0;
  std::string params_hash;
};

// A result to store: what the analyzer wrote (a JSON object) and its confidence.
struct NewResult {
  ResultStamp stamp;
  double confidence = 0.0;
  nlohmann::json values = nlohmann::json::object();
};

struct StoredAnalysis {
  std::string analyzer;
  int64_t version = 0;
  std::string params_hash;
  double confidence = 0.0;
  nlohmann::json result;  // null when the stored text is damaged
  std::string created_at;
};

class AnalysisStore {
 public:
  explicit AnalysisStore(Connection& c) : c_(c) {}
  // True when the track has a result for every stamp with the same version and params.
  Result<bool> is_current(const std::string& track_id, const std::vector<ResultStamp>& stamps);
  // A track's results, by analyzer id.
  Result<std::vector<StoredAnalysis>> of(const std::string& track_id);
  // Every stored result of the named analyzers, one at a time (track id, analyzer id, result
  // object): a large library is never held whole. `fn` must not call back into the corpus.
  Status for_each_result(const std::vector<std::string>& analyzers,
                         const std::function<void(const std::string& track_id, const std::string& analyzer,
                                                  nlohmann::json&& result)>& fn);

  // The adaptation of an analyzer's decisions to the DJ's tags (`codex train key|tempo`) as
  // installed; null when there is none.
  Result<nlohmann::json> adaptation(const std::string& kind);
  // In one transaction: installs the adaptation of analyzer `kind` (or removes it, given null) and
  // passes every stored result of that analyzer to `rewrite` (track id, result), storing what it
  // returns in the result's place (nullopt: unchanged) and dropping that track's built record, which
  // is rebuilt from the new result. Reads and writes inside the transaction, one result at a time:
  // nothing written between the read and the write is lost, and a large library is never held
  // whole. `rewrite` must not call back into the corpus (none: the results stay as they are).
  // Returns how many results changed.
  using Rewrite = std::function<std::optional<nlohmann::json>(const std::string& track_id, const nlohmann::json& result)>;
  Result<size_t> install_adaptation(const std::string& kind, const nlohmann::json& model, const Rewrite& rewrite);

 private:
  Connection& c_;
};

}  // namespace codex::corpus
