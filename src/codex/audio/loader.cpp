// The public functions of decoder.h and encoder.h in the program: each loads the FFmpeg module
// (module.h) on first use and forwards to it. The module is looked for at CODEX_AUDIO_MODULE,
// then beside the running executable, then where the build put it.
#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <string>

#include "codex/audio/module.h"

namespace codex::audio {
namespace {

struct Loaded {
  const ModuleTable* table = nullptr;
  std::string error;
};

std::string exe_dir() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string p(buf, static_cast<size_t>(n));
  return p.substr(0, p.rfind('/'));
}

Loaded load() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("CODEX_AUDIO_MODULE"); env && *env) {
    if (::access(env, F_OK) != 0) return {nullptr, std::string("CODEX_AUDIO_MODULE names a missing file: ") + env};
    candidates.emplace_back(env);
  }
  if (const std::string dir = exe_dir(); !dir.empty()) candidates.push_back(dir + "/" + kModuleFile);
#ifdef CODEX_AUDIO_MODULE_PATH
  candidates.emplace_back(CODEX_AUDIO_MODULE_PATH);
#endif
  std::string why;
  for (const auto& path : candidates) {
    if (::access(path.c_str(), F_OK) != 0) continue;
    void* h = ::dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
    if (!h) {
      const char* e = ::dlerror();
      why = e ? e : path;
      continue;
    }
    using Entry = const ModuleTable* (*)();
    auto entry = reinterpret_cast<Entry>(::dlsym(h, kModuleEntry));
    const ModuleTable* t = entry ? entry() : nullptr;
    if (!t || t->version != kModuleVersion || !(t->sizes == AbiSizes{})) {
      why = path + " is not this codex's audio module";
      continue;
    }
    return {t, ""};
  }
  return {nullptr, "cannot load the audio module (" + std::string(kModuleFile) + "): " +
                       (why.empty() ? "not found beside codex" : why)};
}

const Loaded& loaded() {
  static const Loaded l = load();
  return l;
}

}  // namespace

Result<std::unique_ptr<Decoder>> Decoder::open(const std::string& path, const DecodeOptions& options) {
  const Loaded& l = loaded();
  if (!l.table) return Status::Error(l.error);
  return l.table->open(path, options);
}

Result<std::string> compute_track_id(const std::string& path) {
  const Loaded& l = loaded();
  if (!l.table) return Status::Error(l.error);
  return l.table->compute_track_id(path);
}

Result<std::vector<float>> decode_mono(const std::string& path, int rate_hz) {
  const Loaded& l = loaded();
  if (!l.table) return Status::Error(l.error);
  return l.table->decode_mono(path, rate_hz);
}

void quiet_ffmpeg_logs() {
  if (const Loaded& l = loaded(); l.table) l.table->quiet_ffmpeg_logs();
}

const char* format_extension(Format f) {
  const Loaded& l = loaded();
  return l.table ? l.table->format_extension(f) : "";
}

bool parse_format(const std::string& name, Format* out) {
  const Loaded& l = loaded();
  return l.table && l.table->parse_format(name, out);
}

Status encode_file(const std::string& path, const std::vector<float>& interleaved, int channels, int rate_hz,
                   const EncodeOptions& options) {
  const Loaded& l = loaded();
  if (!l.table) return Status::Error(l.error);
  return l.table->encode_file(path, interleaved, channels, rate_hz, options);
}

}  // namespace codex::audio
