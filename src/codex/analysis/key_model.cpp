#include "codex/analysis/key_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include <nlohmann/json.hpp>

#include "codex/core/checksum.h"

namespace codex::analysis {

extern const char* const kBuiltinKeyModel;  // generated from models/key.json (cmake/embed_text.cmake)

namespace {

// A matrix of `rows` rows of `cols` finite numbers of moderate size (a vector when rows is 0),
// read row by row into `out`. False for any other shape or value.
bool read_matrix(const nlohmann::json& j, size_t rows, size_t cols, std::vector<double>* out) {
  out->clear();
  auto take_row = [&](const nlohmann::json& row) {
    if (!row.is_array() || row.size() != cols) return false;
    for (const auto& x : row) {
      if (!x.is_number() || !std::isfinite(x.get<double>()) || std::fabs(x.get<double>()) > 1e6) return false;
      out->push_back(x.get<double>());
    }
    return true;
  };
  if (rows == 0) return take_row(j);
  if (!j.is_array() || j.size() != rows) return false;
  for (const auto& row : j) {
    if (!take_row(row)) return false;
  }
  return true;
}

int integer(const nlohmann::json& j, const char* key, int lo, int hi) {
  if (!j.contains(key) || !j[key].is_number_integer()) return -1;
  const auto v = j[key].get<int64_t>();
  return v >= lo && v <= hi ? static_cast<int>(v) : -1;
}

}  // namespace

Result<KeyModel> KeyModel::parse(std::string_view text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Invalid("key model is not a JSON object");
  if (!j.contains("format") || j["format"] != "codex-key-mlp 1") return Status::Invalid("not a codex key model (version 1)");
  KeyModel m;
  m.low_midi_ = integer(j, "low_midi", 0, 127);
  m.semitones_ = integer(j, "semitones", 12, 128);
  m.bands_ = integer(j, "bands", 1, 11);
  m.window_ = integer(j, "window_frames", 1, 4096);
  m.hop_ = integer(j, "hop_frames", 1, 4096);
  m.hidden_ = integer(j, "hidden", 1, 1024);
  if (m.low_midi_ < 0 || m.semitones_ < 0 || m.bands_ < 0 || m.window_ < 0 || m.hop_ < 0 || m.hidden_ < 0) {
    return Status::Invalid("key model: a size is missing or out of range");
  }
  if (m.bands_ != (m.semitones_ + 11) / 12) return Status::Invalid("key model: bands do not cover the semitones");
  const auto in = static_cast<size_t>(2 * m.bands_ * 12), h = static_cast<size_t>(m.hidden_);
  // Shares of minor keys (learned from, expected): optional, 0.5 when absent.
  for (const auto& [name, out] : {std::pair{"minor_share", &m.minor_share_}, std::pair{"expected_minor_share", &m.expected_minor_share_}}) {
    if (!j.contains(name)) continue;
    const auto& e = j[name];
    if (!e.is_number() || !(e.get<double>() > 0.01 && e.get<double>() < 0.99)) {
      return Status::Invalid(std::string("key model: ") + name + " must be a number between 0.01 and 0.99");
    }
    *out = e.get<double>();
  }
  if (!j.contains("members") || !j["members"].is_array() || j["members"].empty() || j["members"].size() > 16) {
    return Status::Invalid("key model: 1 to 16 members needed");
  }
  nlohmann::json canonical = nlohmann::json::array();
  for (const auto& o : j["members"]) {
    Member mem;
    if (!o.is_object() || !read_matrix(o.value("w1", nlohmann::json()), in, h, &mem.w1) ||
        !read_matrix(o.value("b1", nlohmann::json()), 0, h, &mem.b1) ||
        !read_matrix(o.value("w2", nlohmann::json()), h, 2, &mem.w2) ||
        !read_matrix(o.value("b2", nlohmann::json()), 0, 2, &mem.b2)) {
      return Status::Invalid("key model: weights missing, of the wrong shape, or not finite numbers of moderate size");
    }
    canonical.push_back({mem.w1, mem.b1, mem.w2, mem.b2});
    m.members_.push_back(std::move(mem));
  }
  canonical.push_back({m.minor_share_, m.expected_minor_share_, m.low_midi_, m.semitones_, m.window_, m.hop_});
  const std::string text_of_weights = canonical.dump();
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(checksum64(text_of_weights.data(), text_of_weights.size())));
  m.id_ = std::string("key-") + std::string(hex, 8);
  return m;
}

const KeyModel& KeyModel::builtin() {
  static const KeyModel model = [] {
    auto parsed = parse(kBuiltinKeyModel);
    if (!parsed) {  // a build with a broken model file must not ship: tests parse it too
      std::fprintf(stderr, "codex: the built-in key model is damaged: %s\n", parsed.status().message().c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return model;
}

KeyModel::Scores KeyModel::score(const std::vector<float>& tonal, const std::vector<float>& raw, size_t frames) const {
  Scores out;
  out.log_prob.fill(-std::numeric_limits<double>::infinity());
  const auto semis = static_cast<size_t>(semitones_);
  if (frames == 0 || tonal.size() < frames * semis || raw.size() < frames * semis) return out;
  out.log_prob.fill(0.0);
  // The raw energy on a log scale relative to the track's mean level.
  double raw_mean = 0.0;
  for (size_t i = 0; i < frames * semis; ++i) raw_mean += raw[i];
  raw_mean /= static_cast<double>(frames * semis);
  const size_t win = static_cast<size_t>(window_), hop = static_cast<size_t>(hop_);
  const double minor_prior = std::log(expected_minor_share_ / minor_share_),
               major_prior = std::log((1.0 - expected_minor_share_) / (1.0 - minor_share_));
  const size_t last_start = frames > win ? frames - win : 0;
  const size_t in = static_cast<size_t>(2 * bands_ * 12);
  std::vector<double> t(semis), r(semis), x(in), xk(in), hidden(static_cast<size_t>(hidden_));
  for (size_t a = 0; a <= last_start; a += hop) {
    const size_t b = std::min(frames, a + win);
    std::fill(t.begin(), t.end(), 0.0);
    std::fill(r.begin(), r.end(), 0.0);
    for (size_t f = a; f < b; ++f) {
      for (size_t s = 0; s < semis; ++s) {
        t[s] += tonal[f * semis + s];
        r[s] += std::log1p(1e3 * raw[f * semis + s] / (raw_mean + 1e-12));
      }
    }
    const double n = static_cast<double>(b - a);
    double r_mean = 0.0;
    for (size_t s = 0; s < semis; ++s) t[s] /= n, r[s] /= n, r_mean += r[s];
    r_mean /= static_cast<double>(semis);
    for (double& v : r) v = std::max(0.0, v - r_mean);
    const double t_max = *std::max_element(t.begin(), t.end()), r_max = *std::max_element(r.begin(), r.end());
    // Folded: [tonal|raw][band][pitch class, 0 = C].
    std::fill(x.begin(), x.end(), 0.0);
    for (size_t s = 0; s < semis; ++s) {
      const size_t midi = static_cast<size_t>(low_midi_) + s, band = s / 12, pc = midi % 12;
      x[band * 12 + pc] = t[s] / (t_max + 1e-9);
      x[static_cast<size_t>(bands_) * 12 + band * 12 + pc] = r[s] / (r_max + 1e-9);
    }
    for (const Member& mem : members_) {
      std::array<double, kKeys> z{};
      for (int k = 0; k < 12; ++k) {
        // Rotated so that tonic k sits at pitch class 0.
        for (size_t row = 0; row < in / 12; ++row) {
          for (size_t pc = 0; pc < 12; ++pc) xk[row * 12 + pc] = x[row * 12 + (pc + static_cast<size_t>(k)) % 12];
        }
        const auto h = static_cast<size_t>(hidden_);
        for (size_t u = 0; u < h; ++u) hidden[u] = mem.b1[u];
        for (size_t d = 0; d < in; ++d) {
          if (xk[d] == 0.0) continue;
          const double* w = &mem.w1[d * h];
          for (size_t u = 0; u < h; ++u) hidden[u] += xk[d] * w[u];
        }
        double major = mem.b2[0], minor = mem.b2[1];
        for (size_t u = 0; u < h; ++u) {
          const double a_u = std::max(0.0, hidden[u]);
          major += a_u * mem.w2[u * 2];
          minor += a_u * mem.w2[u * 2 + 1];
        }
        z[static_cast<size_t>(k) * 2] = major;
        z[static_cast<size_t>(k) * 2 + 1] = minor;
      }
      const double zmax = *std::max_element(z.begin(), z.end());
      double sum = 0.0;
      for (double v : z) sum += std::exp(v - zmax);
      const double log_norm = zmax + std::log(sum);
      const double share = 1.0 / static_cast<double>(members_.size());
      for (int i = 0; i < kKeys; ++i) out.log_prob[static_cast<size_t>(i)] += share * (z[static_cast<size_t>(i)] - log_norm);
    }
    for (int i = 0; i < kKeys; ++i) out.log_prob[static_cast<size_t>(i)] += i % 2 == 1 ? minor_prior : major_prior;
    ++out.windows;
  }
  return out;
}

}  // namespace codex::analysis
