// The library service both front ends call — `codex` on the command line and the booth behind
// `codex serve` — so that each rule is written once:
//   - the corpus handle and the live snapshot: checked against the corpus at most twice a second,
//     rebuilt when stale, and rebuilt and asked again (once) when a vector is found damaged;
//   - track lookup: one resolver for an id, a unique id prefix, a path, "Artist - Title", a title, or
//     a unique part of "artist - title"; an ambiguous query names the candidates;
//   - the set (a session) and its one rule: a track played, accepted or skipped in the set is not
//     suggested again, and "current" defaults to the set's last play. Asking never changes the set
//     (the booth previews suggestions by asking from them); it changes only through record(): a
//     play (ignored when the track is already the last play), an accept (the feedback, and a play),
//     a skip (the feedback only). `codex recommend --session` records its current track as a play;
//     the booth records what the DJ plays, accepts and skips;
//   - analysis: scan the folders, analyse what is new, refresh the snapshot; run in the caller's
//     thread (`codex analyze`) or as a job with progress and cancel (the booth), one job at a
//     time, each job's thread joined when the next starts and when the service closes.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "codex/core/status.h"
#include "codex/corpus/corpus.h"
#include "codex/library/analyze_job.h"
#include "codex/library/recommend.h"
#include "codex/library/snapshot.h"

namespace codex::library {

inline constexpr size_t kMaxSessionBytes = 200;
inline constexpr size_t kMaxPromptBytes = 2000;
inline constexpr size_t kMaxCrateBytes = 1000;

// What the environment sets that must be sound before any command runs (CODEX_MOOD_MODEL: an
// evaluation mood model, which must load).
Status check_environment();

enum class SetAction { kPlayed, kAccepted, kSkipped };
// "played", "accept", "skip".
std::optional<SetAction> set_action_from(std::string_view name);

struct SetState {
  std::string session;
  std::vector<corpus::HistoryStore::Play> plays;  // in order: the last is now playing
  std::vector<corpus::HistoryStore::Feedback> feedback;
};

struct JobInfo {
  int id = 0;
  std::string folder;
  std::string state = "scanning";  // scanning, running, done, cancelled, failed
  size_t total = 0, done = 0, analyzed = 0, failed = 0, up_to_date = 0;
  std::string current, error;
  std::vector<std::pair<std::string, std::string>> failures;  // path, why (the first 50)
};

struct LiveOptions {
  int analysis_jobs = 0;  // worker threads of an analysis (0: every core)
  std::function<void(const std::string& why)> on_build;  // told before a snapshot build (a progress line)
  std::chrono::milliseconds check_every{500};  // how often snapshot() asks the corpus whether it changed
};

// What an analysis reports as it goes (besides AnalyzeCallbacks): files the scan could not use.
struct AnalyzeRun {
  AnalyzeSummary summary;
  std::vector<std::pair<std::string, std::string>> scan_problems;  // path, why
  bool scan_cancelled = false;
};

class LiveLibrary {
 public:
  static Result<std::unique_ptr<LiveLibrary>> open(const std::string& db_path, LiveOptions options = {});
  ~LiveLibrary();  // cancels a running job and waits for it
  LiveLibrary(const LiveLibrary&) = delete;
  LiveLibrary& operator=(const LiveLibrary&) = delete;

  corpus::Corpus& corpus() { return *corpus_; }
  const std::string& path() const { return corpus_->path(); }

  // The snapshot now (built on first use). Unless `force`, the corpus is asked at most every
  // check_every whether it changed, and while an analysis job writes, the job refreshes it once at
  // its end; one caller rebuilds while the others keep the one they have. When a rebuild fails the
  // one held still answers (an error only when there is none yet).
  Result<std::shared_ptr<const Snapshot>> snapshot(bool force = false);

  // The one track resolver (see above): the position in `snap`.
  static Result<size_t> resolve(const Snapshot& snap, const std::string& query);
  // The same against the current snapshot: the track id.
  Result<std::string> resolve_id(const std::string& query);

  Result<SetState> set(const std::string& session);
  // Records an action of the set on a track of the library (NotFound otherwise). A play of the
  // track already playing records nothing.
  Status record(const std::string& session, const std::string& track_id, SetAction action, const std::string& from = "");

  struct Answer {
    std::shared_ptr<const Snapshot> snapshot;  // the one `response` indexes
    RecommendResponse response;
  };
  // Recommend under the set's rule when request.session is set; never writes.
  Result<Answer> recommend(RecommendRequest request);

  // Scans `paths`, analyses, and refreshes the snapshot when anything changed, in this thread.
  AnalyzeRun analyze(const std::vector<std::string>& paths, const AnalyzeOptions& options, const AnalyzeCallbacks& callbacks,
                     const std::atomic<bool>* cancel);
  // The same for one folder as a job in its own thread; Busy while another runs.
  Result<JobInfo> start_analysis(const std::string& folder);
  // A job by id (NotFound when unknown); `cancel` asks it to stop (it stops within a file, or at
  // once while scanning).
  Result<JobInfo> job(int id, bool cancel = false);
  std::vector<JobInfo> jobs() const;  // the latest first-to-last (the most recent 20 finished, and any running)

 private:
  explicit LiveLibrary(LiveOptions options);
  struct Job;
  void reap_finished_jobs();  // joins the threads of finished jobs; keeps the latest 20 records

  LiveOptions options_;
  std::unique_ptr<corpus::Corpus> corpus_;
  std::mutex snap_mu_, reload_mu_;
  std::shared_ptr<const Snapshot> snap_;
  std::chrono::steady_clock::time_point checked_{};
  std::atomic<int> jobs_running_{0};
  mutable std::mutex jobs_mu_;
  int next_job_ = 1;
  std::vector<std::unique_ptr<Job>> jobs_;
};

}  // namespace codex::library
