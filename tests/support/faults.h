// Fault injection for the corpus, for tests only (the shipped binary has none of it): an SQLite
// VFS that forwards to the system's and, when a plan is set, makes one kind of file operation fail
// from its Nth call on — a read or write I/O error, a full disk, a lock held by someone else
// (busy), or a zeroed page (corrupt). Tests use it to prove that every command either completes
// correctly or fails with one clear line and a non-zero exit. Setting a plan makes this VFS the
// process's default, so databases opened after it see the plan. The tests that run a binary run
// `codex_faulty` (the codex sources plus this file and faults_from_env.cpp), which reads a plan
// from CODEX_FAULTS (e.g. "full@12", "corrupt@3+once") before main.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "codex/core/status.h"

namespace codex::corpus::faults {

enum class Kind {
  kNone,
  kReadError,   // xRead → SQLITE_IOERR_READ (any file)
  kWriteError,  // xWrite → SQLITE_IOERR_WRITE (any file)
  kFull,        // xWrite → SQLITE_FULL (any file)
  kBusy,        // a write lock (xLock ≥ RESERVED, WAL's write lock) → SQLITE_BUSY
  kCorrupt,     // xRead of the main database returns a zeroed page
};

struct Plan {
  Kind kind = Kind::kNone;
  int64_t after = 0;  // operations of that kind that succeed before the first fault
  bool once = false;  // fail only the one operation, not every one after it
};

// "none", or KIND@N with KIND one of read, write, full, busy, corrupt, optionally "+once".
Result<Plan> parse(std::string_view spec);
std::string describe(const Plan& plan);

// Sets the plan (process-wide) and resets the counters. Plan{} turns injection off.
void set(const Plan& plan);
Plan current();
// Operations of the plan's kind seen since set(), and how many of them were made to fail.
int64_t operations();
int64_t injected();

// The VFS's name while a plan is set (nullptr otherwise).
const char* vfs_name();
// Makes the VFS the default now, before a plan is set (a database opened now sees later plans).
void install();

// Reads CODEX_FAULTS; an unreadable plan is an error, never silently ignored.
Status set_from_environment();

}  // namespace codex::corpus::faults
