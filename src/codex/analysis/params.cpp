#include "codex/analysis/params.h"

#include <cassert>
#include <cstdint>
#include <cstdio>

namespace codex::analysis {

ParamSet::ParamSet(std::vector<ParamSpec> specs) : specs_(std::move(specs)) {
  for (const auto& s : specs_) {
    assert(s.min_value <= s.default_value && s.default_value <= s.max_value);
    values_.push_back(s.default_value);
  }
}

Status ParamSet::set(const std::string& name, double value) {
  for (size_t i = 0; i < specs_.size(); ++i) {
    if (specs_[i].name != name) continue;
    if (!(value >= specs_[i].min_value && value <= specs_[i].max_value)) {
      return Status::Error("parameter " + name + " must be within [" + std::to_string(specs_[i].min_value) + ", " +
                           std::to_string(specs_[i].max_value) + "]");
    }
    values_[i] = value;
    return Status::Ok();
  }
  return Status::Error("unknown parameter " + name);
}

double ParamSet::get(const std::string& name) const {
  for (size_t i = 0; i < specs_.size(); ++i) {
    if (specs_[i].name == name) return values_[i];
  }
  assert(false && "unknown parameter");
  return 0.0;
}

std::string ParamSet::hash(std::string_view also) const {
  std::string text;
  char buf[64];
  for (size_t i = 0; i < specs_.size(); ++i) {
    std::snprintf(buf, sizeof buf, "=%.9g;", values_[i]);
    text += specs_[i].name + buf;
  }
  text += also;
  uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace codex::analysis
