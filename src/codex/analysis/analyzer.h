// The analyzer interface. One decode pass feeds any number of analyzers:
//   start(format) once -> process(block) for every block in order -> finish() once.
// An analyzer owns only DSP state; it knows nothing of files, tracks or storage. Its output is a
// JSON object of values plus a confidence in [0, 1] and optional flags ("silent", "short", ...).
// Analyzers allocate in start(), not in process().
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/analysis/params.h"
#include "codex/audio/pcm.h"
#include "codex/core/status.h"

namespace codex::analysis {

struct StreamFormat {
  int analysis_rate_hz = 22050;  // rate of AudioBlock::mono
  int native_rate_hz = 44100;    // rate of AudioBlock::native
  int native_channels = 2;
};

struct AnalyzerOutput {
  nlohmann::json values = nlohmann::json::object();
  double confidence = 0.0;
  std::vector<std::string> flags;
};

class Analyzer {
 public:
  virtual ~Analyzer() = default;
  virtual std::string_view id() const = 0;
  virtual int version() const = 0;
  virtual const ParamSet& params() const = 0;
  virtual ParamSet& mutable_params() = 0;
  // What stored results are stamped with besides the version: the parameters' hash, and whatever
  // else the results depend on (a model compiled in), so that changing either re-runs the analyzer.
  virtual std::string stamp_hash() const { return params().hash(); }

  virtual Status start(const StreamFormat& format) = 0;
  virtual void process(const audio::AudioBlock& block) = 0;
  virtual AnalyzerOutput finish() = 0;
};

// The common part of every analyzer: its id, version and declared parameters.
class BasicAnalyzer : public Analyzer {
 public:
  BasicAnalyzer(std::string_view id, int version, std::vector<ParamSpec> params)
      : params_(std::move(params)), id_(id), version_(version) {}
  std::string_view id() const override { return id_; }
  int version() const override { return version_; }
  const ParamSet& params() const override { return params_; }
  ParamSet& mutable_params() override { return params_; }

 protected:
  ParamSet params_;

 private:
  std::string_view id_;  // a string literal
  int version_;
};

// The analyzers CODEX runs by default, in a fixed order, freshly constructed.
std::vector<std::unique_ptr<Analyzer>> default_analyzers();
// "key.min_strength=0.3": sets that declared parameter of that analyzer (for experiments: `codex
// probe --param`, `codex analyze --param`). One line saying what is wrong otherwise.
Status set_param(std::vector<std::unique_ptr<Analyzer>>& analyzers, const std::string& spec);

// What a stored result must match to count as current: analyzer id, version and parameter hash.
struct AnalyzerStamp {
  std::string id;
  int version = 0;
  std::string params_hash;
};
std::vector<AnalyzerStamp> stamps_of(const std::vector<std::unique_ptr<Analyzer>>& analyzers);

}  // namespace codex::analysis
