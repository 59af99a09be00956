// Runs the real codex binary (CODEX_BIN, defined for every test) in a child process with its
// standard output and error captured; hermetic: no user settings file unless the test names one.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "support/test_util.h"

namespace codex::test {

struct CmdResult {
  int status = -1;  // exit status, -1 when killed by a signal
  std::string out, err;
};

// `env` entries are "NAME=value" and are set after the hermetic defaults (later entries win).
inline CmdResult run_codex(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  TempDir io;
  const std::string out = io.file("out"), err = io.file("err");
  const std::string no_settings = "CODEX_CONFIG=" + io.file("no-settings");
  const pid_t pid = fork();
  if (pid == 0) {
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(o, 1);
    dup2(e, 2);
    putenv(const_cast<char*>(no_settings.c_str()));
    for (const auto& kv : env) putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> argv{const_cast<char*>(CODEX_BIN)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(CODEX_BIN, argv.data());
    _exit(127);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  CmdResult r;
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = read_bytes(out);
  r.err = read_bytes(err);
  return r;
}

}  // namespace codex::test
