// The key analyzer: tuning, chroma, key with confidence and runner-ups, key changes, in Camelot,
// Open Key and plain names. Atonal or drum-only material gets key null with a reason.
#pragma once

#include <memory>

#include "codex/analysis/analyzer.h"
#include "codex/analysis/chroma.h"

namespace codex::analysis {

class KeyAnalyzer final : public BasicAnalyzer {
 public:
  KeyAnalyzer();
  Status start(const StreamFormat& format) override;
  void process(const audio::AudioBlock& block) override;
  AnalyzerOutput finish() override;
  // With the learned model on, its id joins the parameters: a refitted model re-runs the key.
  std::string stamp_hash() const override;

 private:
  std::unique_ptr<ChromaExtractor> chroma_;
  int rate_ = 22050;
};

}  // namespace codex::analysis
