#include "codex/embed/train.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <numeric>
#include <random>

#include "codex/core/dot.h"

namespace codex::embed {
namespace {

// C (n x m) = A (n x k) B^T (B is m x k), or C += when accumulate.
void gemm_nt(const float* a, const float* b, float* c, int n, int m, int k, bool accumulate) {
  for (int i = 0; i < n; ++i) {
    const float* ai = a + static_cast<size_t>(i) * k;
    float* ci = c + static_cast<size_t>(i) * m;
    for (int j = 0; j < m; ++j) {
      const float v = dot_product(ai, b + static_cast<size_t>(j) * k, k);
      ci[j] = accumulate ? ci[j] + v : v;
    }
  }
}

std::vector<float> transpose(const float* a, int rows, int cols) {
  std::vector<float> t(static_cast<size_t>(rows) * cols);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) t[static_cast<size_t>(c) * rows + r] = a[static_cast<size_t>(r) * cols + c];
  }
  return t;
}

struct Forward {
  std::vector<float> pre, h, z, y, norm;  // batch x hidden (pre, h), batch x out (z, y), batch (norm)
};

Forward forward(const MlpParams& p, const float* x, int batch) {
  Forward f;
  f.pre.resize(static_cast<size_t>(batch) * p.hidden);
  gemm_nt(x, p.w1.data(), f.pre.data(), batch, p.hidden, p.in, false);
  f.h.resize(f.pre.size());
  for (int b = 0; b < batch; ++b) {
    for (int j = 0; j < p.hidden; ++j) {
      float& v = f.pre[static_cast<size_t>(b) * p.hidden + j];
      v += p.b1[j];
      f.h[static_cast<size_t>(b) * p.hidden + j] = std::max(0.0f, v);
    }
  }
  f.z.resize(static_cast<size_t>(batch) * p.out);
  gemm_nt(f.h.data(), p.w2.data(), f.z.data(), batch, p.out, p.hidden, false);
  f.y.resize(f.z.size());
  f.norm.resize(static_cast<size_t>(batch));
  const int skip = std::min(p.in, p.out);
  for (int b = 0; b < batch; ++b) {
    double n = 0;
    for (int o = 0; o < p.out; ++o) {
      float& v = f.z[static_cast<size_t>(b) * p.out + o];
      v += p.b2[o];
      if (o < skip) v += x[static_cast<size_t>(b) * p.in + o];  // the input itself, passed through
      n += static_cast<double>(v) * v;
    }
    const auto norm = static_cast<float>(std::sqrt(std::max(n, 1e-12)));
    f.norm[b] = norm;
    for (int o = 0; o < p.out; ++o) f.y[static_cast<size_t>(b) * p.out + o] = f.z[static_cast<size_t>(b) * p.out + o] / norm;
  }
  return f;
}

// Back from dL/dy of one view to the parameters' gradients.
void backward(const MlpParams& p, const float* x, int batch, const Forward& f, const std::vector<float>& dy, MlpParams* g) {
  std::vector<float> dz(dy.size());
  for (int b = 0; b < batch; ++b) {
    const float* y = &f.y[static_cast<size_t>(b) * p.out];
    const float* d = &dy[static_cast<size_t>(b) * p.out];
    double yd = 0;
    for (int o = 0; o < p.out; ++o) yd += static_cast<double>(y[o]) * d[o];
    for (int o = 0; o < p.out; ++o) {
      dz[static_cast<size_t>(b) * p.out + o] = static_cast<float>((d[o] - y[o] * yd) / f.norm[b]);
    }
  }
  const std::vector<float> dz_t = transpose(dz.data(), batch, p.out);      // out x batch
  const std::vector<float> h_t = transpose(f.h.data(), batch, p.hidden);   // hidden x batch
  gemm_nt(dz_t.data(), h_t.data(), g->w2.data(), p.out, p.hidden, batch, true);
  for (int o = 0; o < p.out; ++o) {
    double s = 0;
    for (int b = 0; b < batch; ++b) s += dz_t[static_cast<size_t>(o) * batch + b];
    g->b2[o] += static_cast<float>(s);
  }
  const std::vector<float> w2_t = transpose(p.w2.data(), p.out, p.hidden);  // hidden x out
  std::vector<float> dh(static_cast<size_t>(batch) * p.hidden);
  gemm_nt(dz.data(), w2_t.data(), dh.data(), batch, p.hidden, p.out, false);
  for (size_t i = 0; i < dh.size(); ++i) {
    if (f.pre[i] <= 0.0f) dh[i] = 0.0f;
  }
  const std::vector<float> dh_t = transpose(dh.data(), batch, p.hidden);  // hidden x batch
  const std::vector<float> x_t = transpose(x, batch, p.in);               // in x batch
  gemm_nt(dh_t.data(), x_t.data(), g->w1.data(), p.hidden, p.in, batch, true);
  for (int j = 0; j < p.hidden; ++j) {
    double s = 0;
    for (int b = 0; b < batch; ++b) s += dh_t[static_cast<size_t>(j) * batch + b];
    g->b1[j] += static_cast<float>(s);
  }
}

// The augmentations act on raw summaries, in their own units; offsets as in acoustic_summary.h.
constexpr int kMfccMean = 0, kRhythmTempo = 73 + 9, kLevelMean = 85, kMels = 40;

void augment(float* raw, std::mt19937_64& rng) {
  std::uniform_real_distribution<float> gain(-6.0f, 6.0f), tilt(-3.0f, 3.0f), tempo(-0.06f, 0.06f);
  const float g = gain(rng), t = tilt(rng);
  raw[kMfccMean] += g * std::sqrt(static_cast<float>(kMels));
  raw[kLevelMean] += g;
  // A linear EQ tilt across the mel bands moves the mean MFCCs by its cosine transform.
  for (int c = 0; c < 20; ++c) {
    const double scale = std::sqrt((c == 0 ? 1.0 : 2.0) / kMels);
    double s = 0;
    for (int m = 0; m < kMels; ++m) s += scale * std::cos(M_PI * c * (m + 0.5) / kMels) * t * (2.0 * m / (kMels - 1) - 1.0);
    raw[kMfccMean + c] += static_cast<float>(s);
  }
  raw[kRhythmTempo] += tempo(rng);
}

struct Adam {
  std::vector<float> m, v;
  void step(std::vector<float>& w, const std::vector<float>& g, float lr, float decay, int t) {
    if (m.empty()) m.assign(w.size(), 0.0f), v.assign(w.size(), 0.0f);
    const float b1 = 0.9f, b2 = 0.999f;
    const float c1 = 1.0f - std::pow(b1, static_cast<float>(t)), c2 = 1.0f - std::pow(b2, static_cast<float>(t));
    for (size_t i = 0; i < w.size(); ++i) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      w[i] -= lr * ((m[i] / c1) / (std::sqrt(v[i] / c2) + 1e-8f) + decay * w[i]);
    }
  }
};

}  // namespace

void MlpParams::zero_like(const MlpParams& p) {
  in = p.in, hidden = p.hidden, out = p.out;
  w1.assign(p.w1.size(), 0.0f), b1.assign(p.b1.size(), 0.0f);
  w2.assign(p.w2.size(), 0.0f), b2.assign(p.b2.size(), 0.0f);
}

double info_nce(const MlpParams& p, const float* xa, const float* xb, int batch, float temperature, MlpParams* grad) {
  const Forward fa = forward(p, xa, batch), fb = forward(p, xb, batch);
  std::vector<float> s(static_cast<size_t>(batch) * batch);
  gemm_nt(fa.y.data(), fb.y.data(), s.data(), batch, batch, p.out, false);
  for (float& v : s) v /= temperature;
  // Softmax over each row (a's view picks among b's) and each column (b's view picks among a's).
  std::vector<double> prow(s.size()), pcol(s.size());
  double loss = 0;
  for (int i = 0; i < batch; ++i) {
    double mx = -1e300, sum = 0;
    for (int j = 0; j < batch; ++j) mx = std::max(mx, static_cast<double>(s[i * batch + j]));
    for (int j = 0; j < batch; ++j) sum += std::exp(s[i * batch + j] - mx);
    for (int j = 0; j < batch; ++j) prow[i * batch + j] = std::exp(s[i * batch + j] - mx) / sum;
    loss += (mx + std::log(sum) - s[i * batch + i]) / (2.0 * batch);
  }
  for (int j = 0; j < batch; ++j) {
    double mx = -1e300, sum = 0;
    for (int i = 0; i < batch; ++i) mx = std::max(mx, static_cast<double>(s[i * batch + j]));
    for (int i = 0; i < batch; ++i) sum += std::exp(s[i * batch + j] - mx);
    for (int i = 0; i < batch; ++i) pcol[i * batch + j] = std::exp(s[i * batch + j] - mx) / sum;
    loss += (mx + std::log(sum) - s[j * batch + j]) / (2.0 * batch);
  }
  if (!grad) return loss;
  // dL/dS, then dS/dya = yb / temperature and dS/dyb = ya / temperature.
  std::vector<float> ds(s.size()), ds_t(s.size());
  for (int i = 0; i < batch; ++i) {
    for (int j = 0; j < batch; ++j) {
      const double d = (prow[i * batch + j] + pcol[i * batch + j] - 2.0 * (i == j)) / (2.0 * batch) / temperature;
      ds[i * batch + j] = static_cast<float>(d);
      ds_t[j * batch + i] = static_cast<float>(d);
    }
  }
  const std::vector<float> yb_t = transpose(fb.y.data(), batch, p.out), ya_t = transpose(fa.y.data(), batch, p.out);
  std::vector<float> dya(fa.y.size()), dyb(fb.y.size());
  gemm_nt(ds.data(), yb_t.data(), dya.data(), batch, p.out, batch, false);
  gemm_nt(ds_t.data(), ya_t.data(), dyb.data(), batch, p.out, batch, false);
  backward(p, xa, batch, fa, dya, grad);
  backward(p, xb, batch, fb, dyb, grad);
  return loss;
}

namespace {

// The perceptron starts near zero, so the model starts as the summary fallback and learns what to
// add to it.
MlpParams initial_params(int hidden, std::mt19937_64& rng) {
  MlpParams p;
  p.in = kSummaryDims, p.hidden = std::clamp(hidden, 8, 4096), p.out = kAcousticDims;  // what load() accepts
  std::normal_distribution<float> n1(0.0f, std::sqrt(2.0f / p.in)), n2(0.0f, 0.1f * std::sqrt(1.0f / p.hidden));
  p.w1.resize(static_cast<size_t>(p.hidden) * p.in);
  for (float& w : p.w1) w = n1(rng);
  p.b1.assign(p.hidden, 0.0f);
  p.w2.resize(static_cast<size_t>(p.out) * p.hidden);
  for (float& w : p.w2) w = n2(rng);
  p.b2.assign(p.out, 0.0f);
  return p;
}

// Draws the training batches: pairs of windows of one track (or of a track and one of its
// partners), each an augmented, standardised view.
class PairSampler {
 public:
  PairSampler(const std::vector<TrainTrack>& tracks, const std::vector<size_t>& usable, const AcousticModel& scaler,
              const TrainOptions& opt, std::mt19937_64& rng)
      : tracks_(tracks), usable_(usable), scaler_(scaler), opt_(opt), rng_(rng), order_(usable.size()),
        partners_(usable.size()), means_(usable.size() * kSummaryDims, 0.0f) {
    std::iota(order_.begin(), order_.end(), 0);
    // Partners among the usable tracks, for partner positives.
    std::vector<int64_t> usable_index(tracks.size(), -1);
    for (size_t u = 0; u < usable.size(); ++u) usable_index[usable[u]] = static_cast<int64_t>(u);
    for (size_t u = 0; u < usable.size(); ++u) {
      for (uint32_t t : tracks[usable[u]].partners) {
        if (t < tracks.size() && usable_index[t] >= 0 && static_cast<size_t>(usable_index[t]) != u) {
          partners_[u].push_back(static_cast<size_t>(usable_index[t]));
        }
      }
    }
    // Track means, standardised, for hard batches.
    for (size_t u = 0; u < usable.size(); ++u) {
      const auto& w = tracks[usable[u]].windows;
      const size_t n = w.size() / kSummaryDims;
      std::vector<float> m(kSummaryDims, 0.0f);
      for (size_t i = 0; i < n; ++i) {
        for (int d = 0; d < kSummaryDims; ++d) m[d] += w[i * kSummaryDims + d] / static_cast<float>(n);
      }
      const auto z = scaler.standardise(m.data());
      std::copy(z.begin(), z.end(), means_.begin() + static_cast<std::ptrdiff_t>(u * kSummaryDims));
    }
  }

  // One batch: rows i of `xa` and `xb` are two views of track pick[i] (or of it and a partner).
  void draw(int batch, float* xa, float* xb) {
    const std::vector<size_t> pick = pick_tracks(batch);
    for (int i = 0; i < batch; ++i) {
      const size_t u = pick[static_cast<size_t>(i)];
      const size_t n = windows(u);
      const size_t wa = std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
      size_t ub = u, wb = wa;
      if (!partners_[u].empty() && unit_(rng_) < opt_.group_positive) {
        const auto& g = partners_[u];
        ub = g[std::uniform_int_distribution<size_t>(0, g.size() - 1)(rng_)];
        wb = std::uniform_int_distribution<size_t>(0, windows(ub) - 1)(rng_);
      } else if (n > 1) {
        wb = std::uniform_int_distribution<size_t>(0, n - 2)(rng_);
        if (wb >= wa) ++wb;
      }
      view(u, wa, xa + static_cast<size_t>(i) * kSummaryDims);
      view(ub, wb, xb + static_cast<size_t>(i) * kSummaryDims);
    }
  }

 private:
  size_t windows(size_t u) const { return tracks_[usable_[u]].windows.size() / kSummaryDims; }

  // The batch's tracks: a random sample, or one track and its nearest neighbours.
  std::vector<size_t> pick_tracks(int batch) {
    std::vector<size_t> pick;
    if (unit_(rng_) < opt_.hard_fraction && usable_.size() > static_cast<size_t>(batch)) {
      const size_t anchor = std::uniform_int_distribution<size_t>(0, usable_.size() - 1)(rng_);
      std::vector<std::pair<float, size_t>> d(usable_.size());
      for (size_t u = 0; u < usable_.size(); ++u) {
        float s = 0;
        for (int k = 0; k < kSummaryDims; ++k) {
          const float e = means_[u * kSummaryDims + k] - means_[anchor * kSummaryDims + k];
          s += e * e;
        }
        d[u] = {s, u};
      }
      std::nth_element(d.begin(), d.begin() + batch, d.end());
      for (int i = 0; i < batch; ++i) pick.push_back(d[static_cast<size_t>(i)].second);
      return pick;
    }
    for (int i = 0; i < batch; ++i) {
      const size_t j = std::uniform_int_distribution<size_t>(static_cast<size_t>(i), order_.size() - 1)(rng_);
      std::swap(order_[static_cast<size_t>(i)], order_[j]);
      pick.push_back(order_[static_cast<size_t>(i)]);
    }
    return pick;
  }

  // Window `window` of track u, augmented (when asked) and standardised, into x.
  void view(size_t u, size_t window, float* x) {
    const auto& w = tracks_[usable_[u]].windows;
    std::vector<float> raw(w.begin() + static_cast<std::ptrdiff_t>(window * kSummaryDims),
                           w.begin() + static_cast<std::ptrdiff_t>((window + 1) * kSummaryDims));
    if (opt_.augment) augment(raw.data(), rng_);
    const auto z = scaler_.standardise(raw.data());
    for (int d = 0; d < kSummaryDims; ++d) {
      float v = z[d];
      if (opt_.augment) v = unit_(rng_) < 0.1 ? 0.0f : v + noise_(rng_);
      x[d] = v;
    }
  }

  const std::vector<TrainTrack>& tracks_;
  const std::vector<size_t>& usable_;
  const AcousticModel& scaler_;
  const TrainOptions& opt_;
  std::mt19937_64& rng_;
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
  std::normal_distribution<float> noise_{0.0f, 0.15f};
  std::vector<size_t> order_;
  std::vector<std::vector<size_t>> partners_;
  std::vector<float> means_;
};

}  // namespace

Result<AcousticModel> train_acoustic(const std::vector<TrainTrack>& tracks, const TrainOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<size_t> usable;
  size_t n_windows = 0;
  for (size_t t = 0; t < tracks.size(); ++t) {
    const size_t n = tracks[t].windows.size() / kSummaryDims;
    if (n > 0 && tracks[t].windows.size() % kSummaryDims == 0) usable.push_back(t), n_windows += n;
  }
  if (usable.empty()) return Status::Error("no analysed tracks to learn from");
  size_t multi = 0;
  for (size_t t : usable) multi += tracks[t].windows.size() >= 2 * static_cast<size_t>(kSummaryDims);
  if (multi < opt.min_tracks) {
    return Status::Error("too few tracks to learn from: " + std::to_string(multi) +
                         " analysed tracks of 15 s or more, at least " + std::to_string(opt.min_tracks) +
                         " are needed (until then the standardised acoustic summary is used)");
  }
  // Statistics of every window.
  std::vector<float> all;
  all.reserve(n_windows * kSummaryDims);
  for (size_t t : usable) all.insert(all.end(), tracks[t].windows.begin(), tracks[t].windows.end());
  const Standardiser st = fit_standardiser(all.data(), n_windows);
  const AcousticModel scaler = AcousticModel::summary(st);

  std::mt19937_64 rng(opt.seed);
  MlpParams p = initial_params(opt.hidden, rng);
  const int batch = static_cast<int>(std::min<size_t>(static_cast<size_t>(std::max(2, opt.batch)), usable.size()));
  const int steps = opt.steps > 0 ? opt.steps
                                  : static_cast<int>(std::clamp<size_t>(40 * usable.size() / static_cast<size_t>(batch), 300, 3000));
  PairSampler sampler(tracks, usable, scaler, opt, rng);
  MlpParams grad;
  Adam a1, a2, a3, a4;
  std::vector<float> xa(static_cast<size_t>(batch) * kSummaryDims), xb(xa.size());
  double loss_avg = 0;
  for (int step = 1; step <= steps; ++step) {
    sampler.draw(batch, xa.data(), xb.data());
    grad.zero_like(p);
    const double loss = info_nce(p, xa.data(), xb.data(), batch, opt.temperature, &grad);
    loss_avg = step == 1 ? loss : 0.95 * loss_avg + 0.05 * loss;
    // Warm up over the first 5%, then a cosine decay.
    const double warm = std::max(1.0, 0.05 * steps);
    const double lr = opt.learning_rate * (step < warm ? step / warm : 0.5 * (1 + std::cos(M_PI * (step - warm) / (steps - warm + 1))));
    a1.step(p.w1, grad.w1, static_cast<float>(lr), opt.weight_decay, step);
    a2.step(p.b1, grad.b1, static_cast<float>(lr), 0.0f, step);
    a3.step(p.w2, grad.w2, static_cast<float>(lr), opt.weight_decay, step);
    a4.step(p.b2, grad.b2, static_cast<float>(lr), 0.0f, step);
    if (opt.progress && (step % 10 == 0 || step == steps) && !opt.progress(step, steps, loss_avg)) break;
  }
  for (const auto* v : {&p.w1, &p.b1, &p.w2, &p.b2}) {
    for (float x : *v) {
      if (!std::isfinite(x)) {
        return Status::Error("training diverged (a weight is not a number); try a lower --temperature or another --seed");
      }
    }
  }
  ModelInfo info;
  info.trained_tracks = usable.size();
  info.trained_windows = n_windows;
  info.trained_at = static_cast<int64_t>(std::time(nullptr));
  info.final_loss = loss_avg;
  AcousticModel model = AcousticModel::learned(st, p.hidden, p.w1, p.b1, p.w2, p.b2, info);
  info.window_top1 = window_top1(model, tracks);
  info.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return AcousticModel::learned(st, p.hidden, std::move(p.w1), std::move(p.b1), std::move(p.w2), std::move(p.b2), info);
}

double window_top1(const AcousticModel& model, const std::vector<TrainTrack>& tracks) {
  std::vector<std::vector<float>> first, last;
  for (const auto& t : tracks) {
    const size_t n = t.windows.size() / kSummaryDims;
    if (n < 2 || t.windows.size() % kSummaryDims != 0) continue;  // as training skips it
    first.push_back(model.embed(&t.windows[0]));
    last.push_back(model.embed(&t.windows[(n - 1) * kSummaryDims]));
  }
  if (first.size() < 2) return 0.0;
  size_t hits = 0;
  for (size_t i = 0; i < first.size(); ++i) {
    size_t best = 0;
    float best_s = -2;
    for (size_t j = 0; j < last.size(); ++j) {
      const float s = dot_product(first[i].data(), last[j].data(), kAcousticDims);
      if (s > best_s) best_s = s, best = j;
    }
    hits += best == i;
  }
  return static_cast<double>(hits) / static_cast<double>(first.size());
}

}  // namespace codex::embed
