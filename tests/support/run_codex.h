// Runs the real codex binary (CODEX_BIN, defined for every test) in a child process with its
// standard output and error captured; hermetic: no user settings file unless the test names one.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/test_util.h"

namespace codex::test {

inline size_t line_count(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

struct CmdResult {
  int status = -1;  // exit status, -1 when killed by a signal
  std::string out, err;
};

// `env` entries are "NAME=value" and are set after the hermetic defaults (later entries win);
// CODEX_TEST_UID=N runs codex as that user instead. With CODEX_FAULTS=PLAN the binary run is
// codex_faulty (support/faults.h), unless CODEX_TEST_SHIPPED=1 asks for the shipped codex.
// `stdout_to` sends standard output to that file instead (e.g. /dev/full); `out` is then empty.
inline CmdResult run_codex(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                           const std::string& stdout_to = "") {
  TempDir io;
  const std::string out = stdout_to.empty() ? io.file("out") : stdout_to, err = io.file("err");
  const std::string no_settings = "CODEX_CONFIG=" + io.file("no-settings");
  bool faults = false, shipped = false;
  for (const auto& kv : env) {
    faults = faults || kv.rfind("CODEX_FAULTS=", 0) == 0;
    shipped = shipped || kv == "CODEX_TEST_SHIPPED=1";
  }
  const char* bin = faults && !shipped ? CODEX_FAULTY_BIN : CODEX_BIN;
  const pid_t pid = fork();
  if (pid == 0) {
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(o, 1);
    dup2(e, 2);
    putenv(const_cast<char*>(no_settings.c_str()));
    for (const auto& kv : env) {
      // Not for codex: run it as this user (a test run as root that needs a file it cannot write).
      if (kv.rfind("CODEX_TEST_UID=", 0) == 0) {
        const int uid = std::atoi(kv.c_str() + 15);
        if (setgroups(0, nullptr) != 0 || setgid(uid) != 0 || setuid(uid) != 0) _exit(126);
        continue;
      }
      putenv(const_cast<char*>(kv.c_str()));
    }
    std::vector<char*> argv{const_cast<char*>(bin)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(bin, argv.data());
    _exit(127);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  CmdResult r;
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  if (stdout_to.empty()) r.out = read_bytes(out);
  r.err = read_bytes(err);
  return r;
}

}  // namespace codex::test
