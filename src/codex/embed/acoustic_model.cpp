#include "codex/embed/acoustic_model.h"
#include "codex/core/files.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace codex::embed {
namespace {

constexpr char kMagic[8] = {'C', 'D', 'X', 'E', 'M', 'B', 'E', 'D'};

uint64_t fnv(const char* data, size_t n, uint64_t h = 1469598103934665603ull) {
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 1099511628211ull;
  }
  return h;
}

void normalise(std::vector<float>& v) {
  double n = 0;
  for (float x : v) n += static_cast<double>(x) * x;
  if (n <= 0) return;
  const auto s = static_cast<float>(1.0 / std::sqrt(n));
  for (float& x : v) x *= s;
}

// Little-endian writer/reader of the model file.
struct Writer {
  std::string bytes;
  template <typename T>
  void put(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    bytes.append(b, sizeof(T));
  }
  void floats(const std::vector<float>& v) {
    for (float x : v) put(x);
  }
};
struct Reader {
  const std::string& bytes;
  size_t pos = 0;
  bool ok = true;
  template <typename T>
  T get() {
    T v{};
    if (pos + sizeof(T) > bytes.size()) {
      ok = false;
      return v;
    }
    std::memcpy(&v, bytes.data() + pos, sizeof(T));
    pos += sizeof(T);
    return v;
  }
  std::vector<float> floats(size_t n) {
    std::vector<float> v;
    if (pos + n * sizeof(float) > bytes.size()) {
      ok = false;
      return v;
    }
    v.resize(n);
    std::memcpy(v.data(), bytes.data() + pos, n * sizeof(float));
    pos += n * sizeof(float);
    return v;
  }
};

std::string serialise_body(const Standardiser& st, int hidden, const std::vector<float>& w1, const std::vector<float>& b1,
                           const std::vector<float>& w2, const std::vector<float>& b2, const ModelInfo& info) {
  Writer w;
  w.bytes.append(kMagic, sizeof kMagic);
  w.put<uint32_t>(AcousticModel::kFormatVersion);
  w.put<uint32_t>(kSummaryDims);
  w.put<uint32_t>(static_cast<uint32_t>(hidden));
  w.put<uint32_t>(kAcousticDims);
  w.put<uint64_t>(info.trained_tracks);
  w.put<uint64_t>(info.trained_windows);
  w.put<int64_t>(info.trained_at);
  w.put<double>(info.train_seconds);
  w.put<double>(info.final_loss);
  w.put<double>(info.window_top1);
  w.floats(st.mean);
  w.floats(st.scale);
  w.floats(w1);
  w.floats(b1);
  w.floats(w2);
  w.floats(b2);
  return w.bytes;
}

}  // namespace

Standardiser fit_standardiser(const float* x, size_t n) {
  Standardiser st;
  st.mean.assign(kSummaryDims, 0.0f);
  st.scale.assign(kSummaryDims, 0.0f);
  if (n == 0) return st;
  for (int d = 0; d < kSummaryDims; ++d) {
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; ++i) {
      const double v = x[i * kSummaryDims + d];
      s += v, s2 += v * v;
    }
    const double m = s / static_cast<double>(n), var = std::max(0.0, s2 / static_cast<double>(n) - m * m);
    st.mean[d] = static_cast<float>(m);
    st.scale[d] = var > 1e-12 ? static_cast<float>(1.0 / std::sqrt(var)) : 0.0f;
  }
  return st;
}

AcousticModel AcousticModel::summary(Standardiser st) {
  AcousticModel m;
  m.st_ = std::move(st);
  m.make_id();
  return m;
}

AcousticModel AcousticModel::learned(Standardiser st, int hidden, std::vector<float> w1, std::vector<float> b1,
                                     std::vector<float> w2, std::vector<float> b2, ModelInfo info) {
  AcousticModel m;
  m.st_ = std::move(st);
  m.hidden_ = hidden;
  m.w1_ = std::move(w1), m.b1_ = std::move(b1), m.w2_ = std::move(w2), m.b2_ = std::move(b2);
  m.info_ = info;
  m.make_id();
  return m;
}

void AcousticModel::make_id() {
  // Of what the model computes (statistics, shape, weights), not of when or how fast it was trained.
  const std::string body = serialise_body(st_, hidden_, w1_, b1_, w2_, b2_, ModelInfo{});
  char id[40];
  std::snprintf(id, sizeof id, "%s-%012llx", hidden_ > 0 ? "codex-embed" : "summary",
                static_cast<unsigned long long>(fnv(body.data(), body.size()) & 0xFFFFFFFFFFFFull));
  id_ = id;
}

std::vector<float> AcousticModel::standardise(const float* summary) const {
  std::vector<float> x(kSummaryDims, 0.0f);
  if (st_.empty()) return x;
  for (int d = 0; d < kSummaryDims; ++d) {
    const float v = (summary[d] - st_.mean[d]) * st_.scale[d];
    x[d] = std::isfinite(v) ? std::clamp(v, -4.0f, 4.0f) : 0.0f;
  }
  return x;
}

std::vector<float> AcousticModel::embed(const float* summary) const {
  std::vector<float> out(kAcousticDims, 0.0f);
  if (!valid()) return out;
  const std::vector<float> x = standardise(summary);
  std::copy(x.begin(), x.end(), out.begin());
  normalise(out);
  if (hidden_ > 0) {
    std::vector<float> y(kAcousticDims, 0.0f);
    std::vector<float> h(static_cast<size_t>(hidden_));
    for (int j = 0; j < hidden_; ++j) {
      float a = b1_[j];
      const float* w = &w1_[static_cast<size_t>(j) * kSummaryDims];
      for (int d = 0; d < kSummaryDims; ++d) a += w[d] * x[d];
      h[j] = std::max(0.0f, a);
    }
    for (int o = 0; o < kAcousticDims; ++o) {
      float a = b2_[o];
      const float* w = &w2_[static_cast<size_t>(o) * hidden_];
      for (int j = 0; j < hidden_; ++j) a += w[j] * h[j];
      y[o] = a + (o < kSummaryDims ? x[o] : 0.0f);  // the residual: the standardised summary
    }
    // Half the summary fallback, half what was learned (see the header).
    normalise(y);
    for (int o = 0; o < kAcousticDims; ++o) out[o] += kLearnedShare * y[o];
    normalise(out);
  }
  return out;
}

Status AcousticModel::save(const std::string& path) const {
  if (!valid()) return Status::Error("no model to save");
  std::string bytes = serialise_body(st_, hidden_, w1_, b1_, w2_, b2_, info_);
  Writer tail;
  tail.put<uint64_t>(fnv(bytes.data(), bytes.size()));
  bytes += tail.bytes;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Status::Error("cannot write " + tmp);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      return Status::Error("cannot write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::Error("cannot write " + path);
  }
  return Status::Ok();
}

Result<AcousticModel> AcousticModel::load(const std::string& path) {
  if (Status s = files::require_regular(path, "the model"); !s) return s;
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Error("cannot read the model " + path);
  // The header first: the file's size must be what its shape says before the rest is read.
  std::string bytes(sizeof kMagic + 4 * sizeof(uint32_t), '\0');
  f.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(f.gcount()));
  if (bytes.size() == sizeof kMagic + 4 * sizeof(uint32_t) && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0) {
    uint32_t hidden = 0, in = 0;
    std::memcpy(&in, bytes.data() + sizeof kMagic + 4, sizeof in);
    std::memcpy(&hidden, bytes.data() + sizeof kMagic + 8, sizeof hidden);
    const uint64_t expected = sizeof kMagic + 4 * 4 + 3 * 8 + 3 * 8 +
                              4ull * (2ull * in + static_cast<uint64_t>(hidden) * in + hidden +
                                      static_cast<uint64_t>(kAcousticDims) * hidden + kAcousticDims) + 8;
    f.seekg(0, std::ios::end);
    const auto size = static_cast<uint64_t>(f.tellg());
    if (in == kSummaryDims && hidden <= 4096 && size != expected) {
      return Status::Error("the model " + path + " is truncated or has extra bytes");
    }
    if (size > (64ull << 20)) return Status::Error("not a codex-embed model (too large): " + path);
    f.seekg(0, std::ios::beg);
    bytes.assign(static_cast<size_t>(size), '\0');
    f.read(bytes.data(), static_cast<std::streamsize>(size));
    bytes.resize(static_cast<size_t>(f.gcount()));
  }
  const std::string bad = "not a codex-embed model: " + path;
  if (bytes.size() < sizeof kMagic + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return Status::Error(bad);
  Reader r{bytes, sizeof kMagic};
  const auto version = r.get<uint32_t>();
  if (version != kFormatVersion) {
    return Status::Error("the model " + path + " has format version " + std::to_string(version) + "; this codex reads " +
                         std::to_string(kFormatVersion));
  }
  const auto in = r.get<uint32_t>(), hidden = r.get<uint32_t>(), out = r.get<uint32_t>();
  if (in != kSummaryDims || out != kAcousticDims || hidden > 4096) {
    return Status::Error("the model " + path + " has shape " + std::to_string(in) + "-" + std::to_string(hidden) + "-" +
                         std::to_string(out) + "; expected " + std::to_string(kSummaryDims) + "-H-" +
                         std::to_string(kAcousticDims));
  }
  ModelInfo info;
  info.trained_tracks = r.get<uint64_t>();
  info.trained_windows = r.get<uint64_t>();
  info.trained_at = r.get<int64_t>();
  info.train_seconds = r.get<double>();
  info.final_loss = r.get<double>();
  info.window_top1 = r.get<double>();
  Standardiser st;
  st.mean = r.floats(in);
  st.scale = r.floats(in);
  auto w1 = r.floats(static_cast<size_t>(hidden) * in), b1 = r.floats(hidden);
  auto w2 = r.floats(static_cast<size_t>(out) * hidden), b2 = r.floats(out);
  const size_t body = r.pos;
  const auto sum = r.get<uint64_t>();
  if (!r.ok || r.pos != bytes.size()) return Status::Error("the model " + path + " is truncated or has extra bytes");
  if (sum != fnv(bytes.data(), body)) return Status::Error("the model " + path + " is damaged (checksum mismatch)");
  for (const auto* v : {&st.mean, &st.scale, &w1, &b1, &w2, &b2}) {
    for (float x : *v) {
      if (!std::isfinite(x)) return Status::Error("the model " + path + " holds a value that is not a number");
    }
  }
  if (hidden == 0) return AcousticModel::summary(std::move(st));
  return AcousticModel::learned(std::move(st), static_cast<int>(hidden), std::move(w1), std::move(b1), std::move(w2),
                                std::move(b2), info);
}

}  // namespace codex::embed
