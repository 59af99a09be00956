#include "codex/library/live.h"

#include <algorithm>
#include <filesystem>

#include "codex/core/text.h"
#include "codex/library/scan.h"
#include "codex/semantic/mood_model.h"

namespace codex::library {

Status check_environment() { return semantic::MoodModel::check_override(); }

std::optional<SetAction> set_action_from(std::string_view name) {
  if (name == "played") return SetAction::kPlayed;
  if (name == "accept") return SetAction::kAccepted;
  if (name == "skip") return SetAction::kSkipped;
  return std::nullopt;
}

namespace {

Status check_session(const std::string& session) {
  if (session.empty() || session.size() > kMaxSessionBytes) {
    return Status::Invalid("give a set (session) name of at most " + std::to_string(kMaxSessionBytes) + " bytes");
  }
  return Status::Ok();
}

}  // namespace

// ---- the corpus and its snapshot ----

LiveLibrary::LiveLibrary(LiveOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<LiveLibrary>> LiveLibrary::open(const std::string& db_path, LiveOptions options) {
  std::unique_ptr<LiveLibrary> lib(new LiveLibrary(std::move(options)));
  auto c = corpus::Corpus::open(db_path);
  if (!c) return c.status();
  lib->corpus_ = std::move(c).value();
  return lib;
}

Result<std::shared_ptr<const Snapshot>> LiveLibrary::snapshot(bool force) {
  std::shared_ptr<const Snapshot> current;
  {
    std::lock_guard<std::mutex> lock(snap_mu_);
    current = snap_;
    const auto now = std::chrono::steady_clock::now();
    if (current && !force) {
      // Checked at most every check_every (one small query and a stat; a damaged one is rebuilt
      // no more often); and while an analysis job writes, every file changes the corpus: the job
      // refreshes once when it ends.
      if (now - checked_ < options_.check_every) return current;
      if (jobs_running_ > 0 && !current->index().damaged()) return current;
    }
    if (current) checked_ = now;
  }
  // One caller rebuilds; the others keep answering from the snapshot they have (a forced check, or
  // a first use, waits for the rebuild).
  std::unique_lock<std::mutex> rebuilding(reload_mu_, std::defer_lock);
  if (force || !current) {
    rebuilding.lock();
    std::lock_guard<std::mutex> lock(snap_mu_);
    current = snap_;
  } else if (!rebuilding.try_lock()) {
    return current;
  }
  const bool damaged = current && current->index().damaged();
  if (current && !damaged) {
    auto stamp = snapshot_stamp(*corpus_);
    if (stamp && *stamp == current->stamp()) return current;
  }
  auto fresh = open_snapshot(*corpus_, nullptr, options_.on_build, damaged);
  if (!fresh) {
    // The old one still answers (even a damaged one: only its vectors are suspect, and recommend
    // refuses those); the next check tries again.
    if (current) return current;
    return Status::Error(fresh.status().code(), "cannot prepare the library snapshot: " + fresh.status().message());
  }
  std::shared_ptr<const Snapshot> next = std::move(fresh).value();
  std::lock_guard<std::mutex> lock(snap_mu_);
  snap_ = next;
  checked_ = std::chrono::steady_clock::now();
  return next;
}

// ---- tracks ----

Result<size_t> LiveLibrary::resolve(const Snapshot& snap, const std::string& query) {
  return rank::find_track(SnapshotTable(snap), query);
}

Result<std::string> LiveLibrary::resolve_id(const std::string& query) {
  auto s = snapshot();
  if (!s) return s.status();
  auto i = resolve(**s, query);
  if (!i) return i.status();
  return std::string((*s)->field(*i, SnapField::kTrackId));
}

// ---- the set ----

Result<SetState> LiveLibrary::set(const std::string& session) {
  if (Status s = check_session(session); !s) return s;
  SetState out;
  out.session = session;
  auto plays = corpus_->history().plays(session);
  if (!plays) return plays.status();
  out.plays = std::move(plays).value();
  auto fb = corpus_->history().feedback(session);
  if (!fb) return fb.status();
  out.feedback = std::move(fb).value();
  return out;
}

Status LiveLibrary::record(const std::string& session, const std::string& track_id, SetAction action,
                           const std::string& from) {
  if (Status s = check_session(session); !s) return s;
  auto s = snapshot();
  if (!s) return s.status();
  if (!(*s)->find(track_id)) return Status::NotFound("no track " + to_valid_utf8(track_id));
  if (action != SetAction::kPlayed) {
    const std::string name = action == SetAction::kAccepted ? "accept" : "skip";
    if (Status st = corpus_->history().record_feedback(session, {track_id, name, from, ""}); !st) return st;
  }
  // Accepting a suggestion plays it: it becomes the track now playing (unless it already is).
  if (action == SetAction::kSkipped) return Status::Ok();
  auto plays = corpus_->history().plays(session);
  if (!plays) return plays.status();
  if (!plays->empty() && plays->back().track_id == track_id) return Status::Ok();
  return corpus_->history().record_play(session, track_id);
}

Result<LiveLibrary::Answer> LiveLibrary::recommend(RecommendRequest req) {
  if (req.prompt.size() > kMaxPromptBytes) return Status::Invalid("the prompt is longer than 2000 bytes");
  if (req.crate.size() > kMaxCrateBytes) return Status::Invalid("the crate name is longer than 1000 bytes");
  const std::string session = std::move(req.session);
  req.session.clear();
  if (!session.empty()) {
    auto set_now = set(session);
    if (!set_now) return set_now.status();
    for (const auto& p : set_now->plays) req.exclude.push_back(p.track_id);
    for (const auto& f : set_now->feedback) {
      if (f.action == "skip" || f.action == "accept") req.exclude.push_back(f.track_id);
    }
    if (req.current.empty() && !set_now->plays.empty()) req.current = set_now->plays.back().track_id;
  }
  if (req.current.empty()) {
    return Status::Invalid(session.empty() ? "give the track playing now"
                                           : "nothing is playing in this set: give the current track, or play one first");
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto snap = snapshot(attempt > 0);
    if (!snap) return snap.status();
    auto out = library::recommend(**snap, req, corpus_.get());
    if (!out) {
      // A vector found damaged as it was read: the snapshot is rebuilt and the request asked again.
      if ((*snap)->index().damaged()) continue;
      return out.status();
    }
    return Answer{*snap, std::move(out).value()};
  }
  return Status::Corrupt("the library snapshot is damaged again after a rebuild");
}

// ---- analysis ----

AnalyzeRun LiveLibrary::analyze(const std::vector<std::string>& paths, const AnalyzeOptions& options,
                                const AnalyzeCallbacks& callbacks, const std::atomic<bool>* cancel) {
  AnalyzeRun run;
  ScanResult scan = scan_paths(paths, cancel);
  run.scan_problems = std::move(scan.problems);
  run.scan_cancelled = scan.cancelled;
  if (scan.cancelled) {
    run.summary.cancelled = true;
    return run;
  }
  if (callbacks.on_scanned) callbacks.on_scanned(run.scan_problems);
  run.summary = analyze_files(*corpus_, scan.files, options, callbacks, cancel);
  // The snapshot, brought up to date now rather than by the next request.
  if (run.summary.corpus_error.empty() && !run.summary.cancelled) (void)snapshot(true);
  return run;
}

struct LiveLibrary::Job {
  std::atomic<bool> cancel{false};
  std::atomic<bool> finished{false};
  mutable std::mutex mu;  // guards info
  JobInfo info;
  std::thread worker;
};

Result<JobInfo> LiveLibrary::start_analysis(const std::string& folder) {
  if (folder.empty()) return Status::Invalid("give the folder to analyse");
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return Status::Invalid("not a folder: " + to_valid_utf8(folder));
  std::lock_guard<std::mutex> lock(jobs_mu_);
  for (const auto& j : jobs_) {
    if (!j->finished) {
      return Status::Busy("an analysis job is running (job " + std::to_string(j->info.id) + "); cancel it or wait");
    }
  }
  reap_finished_jobs();
  auto job = std::make_unique<Job>();
  job->info.id = next_job_++;
  job->info.folder = folder;
  Job* j = job.get();
  ++jobs_running_;
  j->worker = std::thread([this, j] {
    AnalyzeOptions ao;
    ao.jobs = options_.analysis_jobs;
    AnalyzeCallbacks cb;
    cb.on_scanned = [j](const std::vector<std::pair<std::string, std::string>>& problems) {
      std::lock_guard<std::mutex> l(j->mu);
      j->info.state = "running";
      for (const auto& p : problems) {
        if (j->info.failures.size() < 50) j->info.failures.push_back(p);
      }
    };
    cb.on_begin = [j](size_t total) {
      std::lock_guard<std::mutex> l(j->mu);
      j->info.total = total;
    };
    cb.on_file_start = [j](const std::string& path) {
      std::lock_guard<std::mutex> l(j->mu);
      j->info.current = path;
    };
    cb.on_file_done = [j](const FileEvent& e) {
      std::lock_guard<std::mutex> l(j->mu);
      ++j->info.done;
      if (e.outcome == Outcome::kAnalyzed) ++j->info.analyzed;
      if (e.outcome == Outcome::kUpToDate || e.outcome == Outcome::kNewLocation) ++j->info.up_to_date;
      if (e.outcome == Outcome::kFailed) {
        ++j->info.failed;
        if (j->info.failures.size() < 50) j->info.failures.push_back({e.path, e.error});
      }
    };
    // The snapshot is refreshed by analyze() once the files are stored; requests meanwhile keep
    // the one they have (jobs_running_ > 0), so it is counted down only after.
    const AnalyzeRun run = analyze({j->info.folder}, ao, cb, &j->cancel);
    --jobs_running_;
    {
      std::lock_guard<std::mutex> l(j->mu);
      j->info.current.clear();
      j->info.error = run.summary.corpus_error;
      j->info.state = !run.summary.corpus_error.empty() ? "failed" : run.summary.cancelled ? "cancelled" : "done";
      j->finished = true;  // with the state: a job that reads "done" is never still "running"
    }
  });
  jobs_.push_back(std::move(job));
  std::lock_guard<std::mutex> l(j->mu);
  return j->info;
}

void LiveLibrary::reap_finished_jobs() {
  for (auto& j : jobs_) {
    if (j->finished && j->worker.joinable()) j->worker.join();
  }
  size_t finished = 0;
  for (const auto& j : jobs_) finished += j->finished ? 1 : 0;
  while (finished > 20) {
    auto it = std::find_if(jobs_.begin(), jobs_.end(), [](const auto& j) { return j->finished.load(); });
    jobs_.erase(it);
    --finished;
  }
}

Result<JobInfo> LiveLibrary::job(int id, bool cancel) {
  std::lock_guard<std::mutex> lock(jobs_mu_);
  for (const auto& j : jobs_) {
    if (j->info.id != id) continue;
    if (cancel) j->cancel = true;
    std::lock_guard<std::mutex> l(j->mu);
    return j->info;
  }
  return Status::NotFound("no job " + std::to_string(id));
}

std::vector<JobInfo> LiveLibrary::jobs() const {
  std::lock_guard<std::mutex> lock(jobs_mu_);
  std::vector<JobInfo> out;
  for (const auto& j : jobs_) {
    std::lock_guard<std::mutex> l(j->mu);
    out.push_back(j->info);
  }
  return out;
}

LiveLibrary::~LiveLibrary() {
  std::lock_guard<std::mutex> lock(jobs_mu_);
  for (auto& j : jobs_) j->cancel = true;
  for (auto& j : jobs_) {
    if (j->worker.joinable()) j->worker.join();
  }
}

}  // namespace codex::library
