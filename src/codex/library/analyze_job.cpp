#include "codex/library/analyze_job.h"

#include <sys/stat.h>
#include <time.h>

#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "codex/analysis/pass.h"
#include "codex/library/tag_training.h"

namespace codex::library {
namespace {

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

Result<corpus::FileStamp> stamp_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::Error(errno == ENOENT ? "file vanished before it could be read"
                                         : std::string("cannot open: ") + std::strerror(errno));
  }
  corpus::FileStamp f;
  f.path = path;
  f.size = static_cast<int64_t>(st.st_size);
  f.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  return f;
}

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kAnalyzed: return "analyzed";
    case Outcome::kUpToDate: return "up-to-date";
    case Outcome::kNewLocation: return "new-location";
    case Outcome::kFailed: return "failed";
  }
  return "?";
}

namespace {
// The track this exact file holds when its analyses are current; nullopt otherwise (also when the
// corpus cannot say: the file is then analysed again, which is slow but never wrong).
std::optional<std::string> known_current(corpus::Corpus& corpus, const corpus::FileStamp& file,
                                         const std::vector<corpus::ResultStamp>& stamps) {
  auto known = corpus.tracks().track_for_file(file);
  if (!known || !*known) return std::nullopt;
  auto current = corpus.analyses().is_current(**known, stamps);
  return current && *current ? *known : std::nullopt;
}
}  // namespace

corpus::TrackWrite track_write(const std::string& track_id, const corpus::FileStamp& file,
                               const analysis::TrackAnalysis& a) {
  auto tag_or = [&](std::initializer_list<const char*> names) -> std::string {
    for (const char* n : names) {
      auto it = a.info.tags.find(n);
      if (it != a.info.tags.end() && !it->second.empty()) return it->second;
    }
    return "";
  };
  corpus::TrackWrite w;
  w.track_id = track_id;
  w.file = file;
  w.title = tag_or({"title"});
  if (w.title.empty()) {
    const size_t slash = file.path.find_last_of('/');
    w.title = slash == std::string::npos ? file.path : file.path.substr(slash + 1);
    const size_t dot = w.title.find_last_of('.');
    if (dot != std::string::npos && dot > 0) w.title.resize(dot);
  }
  w.artist = tag_or({"artist", "album_artist"});
  w.album = tag_or({"album"});
  w.genre = tag_or({"genre"});
  if (std::string b = tag_or({"bpm", "tbpm", "tempo", "tmpo"}); !b.empty()) {
    char* end = nullptr;
    const double v = std::strtod(b.c_str(), &end);
    if (end != b.c_str() && v > 0 && v < 1000) w.tag_bpm = v;
  }
  if (std::string k = tag_or({"initialkey", "key", "tkey", "initial_key"}); !k.empty()) w.tag_key = k;
  w.duration_s = a.stats.duration_s;
  w.container = a.info.container;
  w.codec = a.info.codec;
  w.sample_rate = a.info.native_rate_hz;
  w.channels = a.info.source_channels;
  w.bit_rate = a.info.bit_rate;
  w.flags = a.flags;
  w.tags = a.info.tags;
  for (const auto& r : a.results) {
    w.results.push_back({{r.stamp.id, r.stamp.version, r.stamp.params_hash}, r.output.confidence, r.output.values});
  }
  return w;
}

std::vector<corpus::ResultStamp> result_stamps(const std::vector<analysis::AnalyzerStamp>& stamps) {
  std::vector<corpus::ResultStamp> out;
  for (const auto& s : stamps) out.push_back({s.id, s.version, s.params_hash});
  return out;
}

Status check_analyzer_params(const std::vector<std::string>& params) {
  auto analyzers = analysis::default_analyzers();
  for (const auto& spec : params) {
    if (Status s = analysis::set_param(analyzers, spec); !s) return s;
  }
  return Status::Ok();
}

AnalyzeSummary analyze_files(corpus::Corpus& corpus, const std::vector<std::string>& files,
                             const AnalyzeOptions& options, const AnalyzeCallbacks& cb,
                             const std::atomic<bool>* cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  AnalyzeSummary summary;
  summary.total = files.size();
  if (cb.on_begin) cb.on_begin(files.size());
  int jobs = options.jobs > 0 ? options.jobs : static_cast<int>(std::thread::hardware_concurrency());
  jobs = std::max(1, std::min<int>(jobs, static_cast<int>(std::max<size_t>(1, files.size()))));
  auto make_analyzers = [&] {
    auto v = analysis::default_analyzers();
    for (const auto& spec : options.params) (void)analysis::set_param(v, spec);
    return v;
  };
  const auto stamps = result_stamps(analysis::stamps_of(make_analyzers()));
  // The key and tempo adaptations to the DJ's tags (`codex train key|tempo`), applied to what is
  // stored. A damaged one stops the run before anything is written with it missing.
  InstalledAdaptations adaptations;
  if (auto loaded = load_adaptations(corpus)) {
    adaptations = std::move(*loaded);
  } else {
    summary.corpus_error = loaded.status().message();
    return summary;
  }
  // In an empty corpus no file can be a known track at a new path: skip the id pre-pass.
  // (When the count cannot be read, the pre-pass runs: slower, never wrong.)
  const auto n_tracks = corpus.tracks().count();
  const bool may_know_audio = !n_tracks || *n_tracks > 0;

  std::atomic<size_t> next{0};
  std::atomic<bool> stopped{false};
  std::mutex done_mu;
  auto finish = [&](FileEvent ev) {
    std::lock_guard<std::mutex> lock(done_mu);
    summary.cpu_s += ev.cpu_s;
    switch (ev.outcome) {
      case Outcome::kAnalyzed:
        ++summary.analyzed;
        summary.audio_s += ev.audio_s;
        if (!ev.flags.empty()) summary.flagged.push_back(ev);
        break;
      case Outcome::kUpToDate: ++summary.up_to_date; break;
      case Outcome::kNewLocation: ++summary.new_location; break;
      case Outcome::kFailed: ++summary.failed; summary.failures.push_back(ev); break;
    }
    if (cb.on_file_done) cb.on_file_done(ev);
  };

  auto worker = [&]() {
    auto analyzers = make_analyzers();
    analysis::PassOptions pass;
    pass.decode = options.decode;
    pass.cancel = cancel;
    while (true) {
      if ((cancel && cancel->load()) || stopped.load()) return;
      const size_t i = next.fetch_add(1);
      if (i >= files.size()) return;
      const std::string& path = files[i];
      if (cb.on_file_start) cb.on_file_start(path);
      const double c0 = thread_cpu_s();
      FileEvent ev;
      ev.path = path;
      auto fail = [&](const std::string& why) {
        ev.outcome = Outcome::kFailed;
        ev.error = why;
        (void)corpus.tracks().record_failure(path, why);  // best effort: the summary reports it too
      };
      // The corpus failed, not the file: stop the whole job (this file is not reported).
      bool corpus_failed = false;
      auto stop = [&](const Status& s) {
        corpus_failed = true;
        std::lock_guard<std::mutex> lock(done_mu);
        if (summary.corpus_error.empty()) summary.corpus_error = s.message();
        stopped.store(true);
      };
      auto file = stamp_file(path);
      if (!file) {
        fail(file.status().message());
      } else if (auto known = options.force ? std::nullopt : known_current(corpus, *file, stamps)) {
        ev.outcome = Outcome::kUpToDate;
        ev.track_id = *known;
      } else {
        bool done = false;
        if (!options.force && may_know_audio) {
          auto id = audio::compute_track_id(path);
          if (!id) {
            fail(id.status().message());
            done = true;
          } else if (auto current = corpus.analyses().is_current(*id, stamps); !current) {
            stop(current.status());
            done = true;
          } else if (*current) {
            Status s = corpus.tracks().add_location(*id, *file);
            if (s) {
              ev.outcome = Outcome::kNewLocation;
              ev.track_id = *id;
            } else {
              stop(s);
            }
            done = true;
          }
        }
        if (!done) {
          auto result = analysis::analyze_file(path, analyzers, pass);
          if (!result) {
            if (cancel && cancel->load()) break;
            fail(result.status().message());
          } else {
            corpus::TrackWrite w = track_write(result->stats.track_id, *file, *result);
            if (!adaptations.empty()) {
              // The genre a tempo adaptation reads: the file's, else an imported DJ program's.
              std::string genre = w.genre;
              if (genre.empty()) {
                if (auto dj = corpus.dj().tracks_of(w.track_id)) {
                  for (const auto& d : *dj) {
                    if (!d.genre.empty()) {
                      genre = d.genre;
                      break;
                    }
                  }
                }
              }
              for (auto& r : w.results) {
                adapt_result(adaptations, r.stamp.id, static_cast<int>(r.stamp.version), genre, r.values);
              }
            }
            Status s = corpus.tracks().store(w);
            if (s) {
              ev.outcome = Outcome::kAnalyzed;
              ev.track_id = result->stats.track_id;
              ev.flags = result->flags;
              ev.audio_s = result->stats.duration_s;
            } else {
              stop(s);
            }
          }
        }
      }
      if (corpus_failed) return;
      ev.cpu_s = thread_cpu_s() - c0;
      finish(std::move(ev));
    }
  };

  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  summary.cancelled = cancel && cancel->load();
  summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return summary;
}

}  // namespace codex::library
