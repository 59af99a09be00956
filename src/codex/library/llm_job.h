// Semantic analysis of the corpus by an LLM, on the user's opt-in: for each track, the tag-free
// rendition and the versioned DJ instruction go to Gemini; the reply is repaired and validated
// and cached by (track id, model, prompt version) — never re-sent unless refreshed. A failed track
// is recorded and retried on the next run without blocking the rest. Requests run a few at a
// time under a requests-per-minute limit; a dry run sends nothing and reports what would go (tracks,
// seconds, bytes, estimated tokens and cost); a budget stops the run before it is exceeded.
#pragma once

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "codex/corpus/corpus.h"
#include "codex/semantic/gemini_client.h"
#include "codex/semantic/rendition.h"

namespace codex::library {

struct LlmJobOptions {
  semantic::GeminiConfig gemini;
  bool dry_run = false;
  bool refresh = false;
  double max_cost_usd = -1.0;           // < 0: no budget
  double usd_per_million_tokens = 1.0;  // estimate only: set to the model's current price
  int concurrency = 2;
  int requests_per_minute = 30;
  semantic::RenditionOptions rendition;
  // When set and it turns true, no new track starts and requests in flight are broken off.
  const std::atomic<bool>* cancel = nullptr;
};

struct LlmJobSummary {
  size_t tracks = 0, sent = 0, cached = 0, failed = 0, over_budget = 0;
  double audio_s = 0.0;
  int64_t bytes = 0, estimated_tokens = 0, prompt_tokens = 0, output_tokens = 0;
  double estimated_cost_usd = 0.0;
  std::vector<std::pair<std::string, std::string>> failures;  // track id, reason
  bool cancelled = false;  // stopped by `cancel`; the tracks not done are asked again next run
};

// `track_ids` empty = every track with a known file.
LlmJobSummary run_llm_job(corpus::Corpus& corpus, const std::vector<std::string>& track_ids,
                          const LlmJobOptions& options);

}  // namespace codex::library
