// The default analyzer set, in the order they are run and stored.
#include "codex/analysis/acoustic.h"
#include "codex/analysis/analyzer.h"
#include "codex/analysis/duration.h"
#include "codex/analysis/energy.h"
#include "codex/analysis/key.h"
#include "codex/analysis/loudness.h"
#include "codex/analysis/tempo.h"
#include "codex/analysis/timbre.h"

#include <cmath>
#include <cstdlib>

#include "codex/core/text.h"

namespace codex::analysis {

std::vector<std::unique_ptr<Analyzer>> default_analyzers() {
  std::vector<std::unique_ptr<Analyzer>> v;
  v.push_back(std::make_unique<DurationAnalyzer>());
  v.push_back(std::make_unique<LoudnessAnalyzer>());
  // Energy, timbre and acoustic read the same 2048-point, hop-1024 frames: one STFT serves both.
  auto stft = std::make_shared<SharedStft>(2048, 1024);
  v.push_back(std::make_unique<EnergyAnalyzer>(stft));
  v.push_back(std::make_unique<TempoAnalyzer>());
  v.push_back(std::make_unique<KeyAnalyzer>());
  v.push_back(std::make_unique<TimbreAnalyzer>(stft));
  v.push_back(std::make_unique<AcousticAnalyzer>(stft));
  return v;
}

Status set_param(std::vector<std::unique_ptr<Analyzer>>& analyzers, const std::string& raw) {
  std::string spec = to_valid_utf8(raw);
  for (char& c : spec) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';  // the error stays one line
  }
  const auto dot = spec.find('.'), eq = spec.find('=');
  if (dot == std::string::npos || eq == std::string::npos || eq < dot) {
    return Status::Invalid("--param " + spec + ": expected ANALYZER.NAME=VALUE");
  }
  const std::string id = spec.substr(0, dot), name = spec.substr(dot + 1, eq - dot - 1), text = spec.substr(eq + 1);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value)) {
    return Status::Invalid("--param " + spec + ": '" + text + "' is not a number");
  }
  for (auto& a : analyzers) {
    if (a->id() != id) continue;
    Status st = a->mutable_params().set(name, value);
    return st.ok() ? st : Status::Invalid("--param " + spec + ": " + st.message());
  }
  return Status::Invalid("--param " + spec + ": no analyzer '" + id + "'");
}

}  // namespace codex::analysis
