#include "codex/semantic/llm_job.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "codex/semantic/repair.h"

namespace codex::semantic {
namespace {
constexpr double kAudioTokensPerSecond = 32.0;  // Gemini's audio tokenisation
constexpr int64_t kOutputTokenEstimate = 600;
}  // namespace

const std::string& instruction_prompt() {
  static const std::string kPrompt =
      "You are an experienced club DJ and music analyst. Listen to the attached audio and describe the track "
      "for choosing what to play next in a DJ set. Answer with one JSON object that follows the response "
      "schema exactly. Guidance: bpm is the FELT tempo (drum & bass is about 174, not 87; hip-hop 85-100 stays "
      "where it is); key is the Camelot code (1A-12A minor, 1B-12B major). Use the full 1-10 ranges: energy 1 "
      "is ambient, 10 is peak-time hard techno; danceability 10 is an irresistible groove. intensity is the "
      "place in a set (opener, journey, peak, closer). mix_in_ease and mix_out_ease rate how easy it is to "
      "beatmatch into and out of the track (long drum intros and outros are easy, cold starts and endings are "
      "hard); put practical tips in mixability_notes. structure lists the sections in order. mood_tags are 3-7 "
      "words a DJ would use; instrumentation 3-8 instruments; similar_artists 2-5 artists. description is 1-3 "
      "sentences. Describe only what you hear.";
  return kPrompt;
}

LlmJobSummary run_llm_job(corpus::Corpus& corpus, const std::vector<std::string>& ids, const LlmJobOptions& o) {
  LlmJobSummary sum;
  std::vector<std::pair<std::string, std::string>> work;
  const std::set<std::string> wanted(ids.begin(), ids.end());
  for (const auto& [id, path] : corpus.tracks_with_files()) {
    if (!wanted.empty() && !wanted.count(id)) continue;
    ++sum.tracks;
    if (!o.refresh && corpus.has_llm_reply(id, o.gemini.model, kPromptVersion)) {
      ++sum.cached;
      continue;
    }
    work.emplace_back(id, path);
  }
  const int64_t instruction_tokens = static_cast<int64_t>(instruction_prompt().size() / 4);
  const nlohmann::json schema = gemini_response_schema();
  std::mutex mu;
  std::deque<std::chrono::steady_clock::time_point> recent;  // request start times, for the rate limit
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};

  auto worker = [&]() {
    while (!stop) {
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
      while (!stop) {
        std::unique_lock<std::mutex> lock(mu);
        const auto now = std::chrono::steady_clock::now();
        while (!recent.empty() && now - recent.front() > std::chrono::minutes(1)) recent.pop_front();
        if (static_cast<int>(recent.size()) < std::max(1, o.requests_per_minute)) {
          recent.push_back(now);
          break;
        }
        const auto wait = std::chrono::minutes(1) - (now - recent.front());
        lock.unlock();
        std::this_thread::sleep_for(wait);
      }
      GeminiRequest req;
      req.instruction = instruction_prompt();
      req.audio_mime = rendition->mime;
      req.audio = std::move(rendition->bytes);
      req.response_schema = schema;
      auto reply = gemini_generate(o.gemini, req);
      corpus::Corpus::LlmReply stored;
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
      const Status saved = corpus.put_llm_reply(stored);
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
  return sum;
}

}  // namespace codex::semantic
