#include "codex/core/paths.h"

#include <cstdlib>

namespace codex::paths {
namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

std::string home() {
  const char* h = env("HOME");
  return h ? h : ".";
}

}  // namespace

std::string data_home() {
  if (const char* x = env("XDG_DATA_HOME")) return x;
  return home() + "/.local/share";
}

std::string config_home() {
  if (const char* x = env("XDG_CONFIG_HOME")) return x;
  return home() + "/.config";
}

std::string default_corpus_path() {
  if (const char* p = env("CODEX_DB")) return p;
  return data_home() + "/codex/corpus.db";
}

std::string default_demo_dir() { return data_home() + "/codex/demo"; }

std::string default_config_path() {
  if (const char* p = env("CODEX_CONFIG")) return p;
  return config_home() + "/codex/config";
}

}  // namespace codex::paths
