#include "codex/library/llm_job.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "codex/semantic/instruction.h"
#include "codex/semantic/repair.h"

namespace codex::library {

using namespace semantic;
namespace {
constexpr double kAudioTokensPerSecond = 32.0;  // Gemini's audio tokenisation
constexpr int64_t kOutputTokenEstimate = 600;
}  // namespace

LlmJobSummary run_llm_job(corpus::Corpus& corpus, const std::vector<std::string>& ids, const LlmJobOptions& o) {
  LlmJobSummary sum;
  std::vector<std::pair<std::string, std::string>> work;
  const std::set<std::string> wanted(ids.begin(), ids.end());
  auto with_files = corpus.tracks().with_files();
  if (!with_files) {
    sum.failures.emplace_back("", with_files.status().message());
    ++sum.failed;
    return sum;
  }
  for (const auto& [id, path] : *with_files) {
    if (!wanted.empty() && !wanted.count(id)) continue;
    ++sum.tracks;
    if (!o.refresh) {
      // A cache that cannot be read is a failure for this track, never a reason to pay again.
      auto cached = corpus.llm_replies().has(id, o.gemini.model, kPromptVersion);
      if (!cached) {
        ++sum.failed;
        sum.failures.emplace_back(id, cached.status().message());
        continue;
      }
      if (*cached) {
        ++sum.cached;
        continue;
      }
    }
    work.emplace_back(id, path);
  }
  const int64_t instruction_tokens = static_cast<int64_t>(instruction_prompt().size() / 4);
  const nlohmann::json schema = gemini_response_schema();
  std::mutex mu;
  std::deque<std::chrono::steady_clock::time_point> recent;  // request start times, for the rate limit
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};

  LlmJobOptions opt = o;
  opt.gemini.cancel = o.cancel;
  auto cancelled = [&] { return o.cancel && o.cancel->load(); };
  auto worker = [&]() {
    while (!stop && !cancelled()) {
      const size_t i = next.fetch_add(1);
      if (i >= work.size()) return;
      const auto& [id, path] = work[i];
      auto rendition = render_for_llm(path, o.rendition);
      if (!rendition) {
        std::lock_guard<std::mutex> lock(mu);
        ++sum.failed;
        sum.failures.emplace_back(id, rendition.status().message());
        continue;
      }
      const int64_t est = instruction_tokens + static_cast<int64_t>(rendition->seconds * kAudioTokensPerSecond) +
                          kOutputTokenEstimate;
      const double est_cost = static_cast<double>(est) * o.usd_per_million_tokens / 1e6;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (o.max_cost_usd >= 0 && sum.estimated_cost_usd + est_cost > o.max_cost_usd) {
          ++sum.over_budget;
          continue;  // the budget would be exceeded: this one is not sent
        }
        sum.audio_s += rendition->seconds;
        sum.bytes += static_cast<int64_t>(rendition->bytes.size());
        sum.estimated_tokens += est;
        sum.estimated_cost_usd += est_cost;
      }
      if (o.dry_run) continue;
      // Requests-per-minute limit, shared by the workers.
      while (!stop && !cancelled()) {
        std::unique_lock<std::mutex> lock(mu);
        const auto now = std::chrono::steady_clock::now();
        while (!recent.empty() && now - recent.front() > std::chrono::minutes(1)) recent.pop_front();
        if (static_cast<int>(recent.size()) < std::max(1, o.requests_per_minute)) {
          recent.push_back(now);
          break;
        }
        const auto wait = std::chrono::minutes(1) - (now - recent.front());
        lock.unlock();
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(wait, std::chrono::milliseconds(100)));
      }
      if (cancelled()) return;
      GeminiRequest req;
      req.instruction = instruction_prompt();
      req.audio_mime = rendition->mime;
      req.audio = std::move(rendition->bytes);
      req.response_schema = schema;
      auto reply = gemini_generate(opt.gemini, req);
      if (cancelled()) return;  // broken off: nothing is stored, the track is asked again next run
      corpus::LlmReply stored;
      stored.track_id = id;
      stored.model = o.gemini.model;
      stored.prompt_version = kPromptVersion;
      std::string failure;
      if (!reply) {
        failure = reply.status().message();
      } else {
        stored.raw_reply = reply->text;
        stored.prompt_tokens = reply->prompt_tokens;
        stored.output_tokens = reply->output_tokens;
        const Repaired r = repair_reply(reply->text);
        stored.notes = {{"warnings", r.warnings}, {"errors", r.errors}};
        if (r.ok && !r.record.empty()) {
          stored.ok = true;
          stored.record = r.record;
        } else {
          failure = r.errors.empty() ? "empty reply" : r.errors.front();
        }
      }
      if (!failure.empty() && stored.notes.empty()) stored.notes = {{"errors", {failure}}};
      const Status saved = corpus.llm_replies().put(stored);
      std::lock_guard<std::mutex> lock(mu);
      ++sum.sent;
      sum.prompt_tokens += stored.prompt_tokens;
      sum.output_tokens += stored.output_tokens;
      if (!failure.empty() || !saved) {
        ++sum.failed;
        sum.failures.emplace_back(id, failure.empty() ? saved.message() : failure);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < std::max(1, o.concurrency); ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  sum.cancelled = cancelled();
  return sum;
}

}  // namespace codex::library
