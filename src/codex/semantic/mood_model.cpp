#include "codex/semantic/mood_model.h"
#include "codex/core/files.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "codex/core/checksum.h"

namespace codex::semantic {

extern const char* const kBuiltinMoodModel;  // generated from models/mood.json (cmake/embed_text.cmake)

namespace {

bool finite_numbers(const nlohmann::json& j, size_t n, std::vector<double>* out) {
  if (!j.is_array() || j.size() != n) return false;
  out->clear();
  for (const auto& x : j) {
    if (!x.is_number() || !std::isfinite(x.get<double>())) return false;
    out->push_back(x.get<double>());
  }
  return true;
}

}  // namespace

Result<MoodModel> MoodModel::parse(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Error("mood model is not a JSON object");
  auto string_of = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  if (string_of("format") != "codex-mood-model") return Status::Error("not a codex mood model");
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int>() != 1) {
    return Status::Error("unsupported mood model version (this codex reads version 1)");
  }
  if (string_of("input") != "acoustic-summary-v1") return Status::Error("mood model reads another input");
  if (!j.contains("dims") || !j["dims"].is_number_integer() || j["dims"].get<int>() != 90) {
    return Status::Error("mood model dims must be 90");
  }
  const size_t n = 90;
  MoodModel m;
  auto field = [&](const nlohmann::json& o, const char* k) { return o.contains(k) ? o[k] : nlohmann::json(); };
  if (!finite_numbers(field(j, "mean"), n, &m.mean_) || !finite_numbers(field(j, "scale"), n, &m.scale_)) {
    return Status::Error("mood model mean/scale must be 90 finite numbers");
  }
  for (double s : m.scale_) {
    if (s <= 0) return Status::Error("mood model scale must be positive");
  }
  for (auto [name, w, b] : {std::tuple{"arousal", &m.arousal_w_, &m.arousal_b_},
                            std::tuple{"valence_high", &m.valence_high_w_, &m.valence_high_b_},
                            std::tuple{"valence_low", &m.valence_low_w_, &m.valence_low_b_}}) {
    const nlohmann::json o = field(j, name);
    if (!o.is_object() || !finite_numbers(field(o, "weights"), n, w) || !o.contains("bias") ||
        !o["bias"].is_number() || !std::isfinite(o["bias"].get<double>())) {
      return Status::Error(std::string("mood model head ") + name + " needs 90 finite weights and a bias");
    }
    *b = o["bias"].get<double>();
  }
  const std::string canonical = nlohmann::json({m.mean_, m.scale_, m.arousal_w_, m.valence_high_w_, m.valence_low_w_,
                                                   m.arousal_b_, m.valence_high_b_, m.valence_low_b_}).dump();
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(checksum64(canonical.data(), canonical.size())));
  m.id_ = std::string("mood-") + std::string(hex, 8);
  return m;
}

const MoodModel& MoodModel::builtin() {
  static const MoodModel m = [] {
    auto parsed = parse(kBuiltinMoodModel);
    if (!parsed) {
      std::fprintf(stderr, "codex: the built-in mood model is broken: %s\n", parsed.status().message().c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return m;
}

namespace {
Result<MoodModel> load_override(const char* path) {
  auto read = files::read_regular(path, "the mood model", 16u << 20);
  if (!read) return read.status();
  const std::string text = std::move(read).value();
  auto m = MoodModel::parse(text);
  if (!m) return Status::Error(std::string(path) + ": " + m.status().message());
  return m;
}
}  // namespace

Status MoodModel::check_override() {
  const char* path = std::getenv("CODEX_MOOD_MODEL");
  if (!path || !*path) return Status::Ok();
  auto m = load_override(path);
  return m ? Status::Ok() : m.status();
}

const MoodModel& MoodModel::active() {
  static const MoodModel* m = [] {
    const char* path = std::getenv("CODEX_MOOD_MODEL");
    if (path && *path) {
      if (auto o = load_override(path)) return static_cast<const MoodModel*>(new MoodModel(std::move(o).value()));
    }
    return &builtin();
  }();
  return *m;
}

const char* MoodModel::builtin_text() { return kBuiltinMoodModel; }

MoodEstimate MoodModel::read(const float* s) const {
  double za = arousal_b_, zh = valence_high_b_, zl = valence_low_b_;
  for (size_t i = 0; i < mean_.size(); ++i) {
    const double x = std::isfinite(s[i]) ? (s[i] - mean_[i]) / scale_[i] : 0.0;
    const double xc = std::fmax(-6.0, std::fmin(6.0, x));  // one wild value must not decide
    za += arousal_w_[i] * xc;
    zh += valence_high_w_[i] * xc;
    zl += valence_low_w_[i] * xc;
  }
  // Arousal p from its head; valence from the head of each side, mixed by p (bench/mood_fit.py).
  const double p = 1.0 / (1.0 + std::exp(-za));
  MoodEstimate e;
  e.arousal = 2.0 * p - 1.0;
  e.valence = p * std::tanh(0.5 * zh) + (1.0 - p) * std::tanh(0.5 * zl);
  e.confidence = std::fmin(std::fabs(e.valence), std::fabs(e.arousal));
  return e;
}

}  // namespace codex::semantic
