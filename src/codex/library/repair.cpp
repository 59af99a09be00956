#include "codex/library/repair.h"

#include <ctime>
#include <filesystem>
#include <set>

#include "codex/analysis/analyzer.h"
#include "codex/corpus/corpus.h"

namespace codex::library {
namespace fs = std::filesystem;

namespace {

std::string timestamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// Keeps the damaged file and its WAL under `to` (a hard link where possible, else a copy).
Status keep_copy(const std::string& from, const std::string& to) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string a = from + suffix, b = to + suffix;
    std::error_code ec;
    if (!fs::exists(a, ec)) continue;
    fs::create_hard_link(a, b, ec);
    if (ec) fs::copy_file(a, b, ec);
    if (ec) return Status::Error("cannot keep a copy of the damaged corpus at " + b + ": " + ec.message());
  }
  return Status::Ok();
}

void remove_all_of(const std::string& db) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix, ec);
}

}  // namespace

Result<RepairSummary> repair_corpus(const std::string& path, const AnalyzeOptions& options,
                                    const AnalyzeCallbacks& callbacks, const std::atomic<bool>* cancel) {
  RepairSummary out;
  const std::string fresh = path + ".repair";
  remove_all_of(fresh);  // an earlier repair cut short
  auto report = corpus::salvage(path, fresh);
  if (!report) {
    remove_all_of(fresh);
    return report.status();
  }
  out.salvage = std::move(report).value();
  // Nothing could be read (the file's schema page is gone): a new empty corpus would only hide
  // the damaged one. Leave it in place for a better tool (or a backup).
  int64_t kept = 0;
  for (const auto& t : out.salvage.tables) kept += t.kept + t.dropped;
  if (kept == 0 && out.salvage.orphan_paths.empty()) {
    remove_all_of(fresh);
    return Status::Error("nothing in " + path + " could be read; it is left as it is (restore a backup, or analyse "
                         "your music again into a new corpus)");
  }
  // A name not taken yet (two repairs in one second must not collide).
  out.damaged_copy = path + ".damaged-" + timestamp();
  for (int n = 2; n < 1000; ++n) {
    std::error_code e;
    if (!fs::exists(out.damaged_copy, e) && !e) break;
    out.damaged_copy = path + ".damaged-" + timestamp() + "-" + std::to_string(n);
  }
  if (Status s = keep_copy(path, out.damaged_copy); !s) {
    remove_all_of(fresh);
    return s;
  }
  // The damaged file's journal must not be applied to the new file: remove it, then swap the new
  // file in (rename replaces the old one in one step).
  std::error_code ec;
  for (const char* suffix : {"-wal", "-shm"}) {
    if (fs::remove(path + suffix, ec); ec) {
      remove_all_of(fresh);
      return Status::Error("cannot remove " + path + suffix + ": " + ec.message() + " (nothing was changed)");
    }
  }
  fs::rename(fresh, path, ec);
  if (ec) {
    return Status::Error("cannot put the repaired corpus in place: " + ec.message() + " (it is at " + fresh +
                         "; the damaged one is kept as " + out.damaged_copy + ")");
  }
  const std::string swapped = " (the corpus was repaired; the damaged one is kept as " + out.damaged_copy + ")";

  // What to analyse again: tracks whose results are not all there and current, and files whose
  // track row was lost.
  auto corpus = corpus::Corpus::open(path);
  if (!corpus) return Status::Error(corpus.status().message() + swapped);
  const auto stamps = result_stamps(analysis::stamps_of(analysis::default_analyzers()));
  auto with_files = (*corpus)->tracks().with_files();
  if (!with_files) return Status::Error(with_files.status().message() + swapped);
  std::set<std::string> paths(out.salvage.orphan_paths.begin(), out.salvage.orphan_paths.end());
  for (const auto& [id, first] : *with_files) {
    auto current = (*corpus)->analyses().is_current(id, stamps);
    if (!current) return Status::Error(current.status().message() + swapped);
    if (!*current) paths.insert(first);
  }
  for (const auto& p : paths) {
    std::error_code e;
    (fs::exists(p, e) ? out.to_analyse : out.missing).push_back(p);
  }
  if (!out.to_analyse.empty()) {
    AnalyzeOptions opt = options;
    opt.force = false;
    out.analyze = analyze_files(**corpus, out.to_analyse, opt, callbacks, cancel);
  }
  return out;
}

}  // namespace codex::library
