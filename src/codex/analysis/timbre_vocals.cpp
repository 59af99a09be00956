#include <algorithm>
#include <cmath>
#include <string_view>

#include "codex/analysis/timbre_common.h"
#include "codex/analysis/timbre_parts.h"

namespace codex::analysis {


VocalCall call_vocals(const VocalEvidence& e) {
  VocalCall c;
  if (e.ratio < 0.09) {
    c.confidence = std::clamp(0.35 + (0.09 - e.ratio) * 3.0, 0.35, 0.6);
    return c;
  }
  // Sung notes swing in vibrato or hold their pitch; rapped and spoken syllables glide one way and
  // jump from one to the next.
  if (e.vibrato >= 0.38 || e.steadiness >= 0.75) c.style = "singing";
  else if (e.vibrato < 0.3 && e.steadiness < 0.65) c.style = "rap";
  else c.style = "both";
  // Guitars, synth leads and bowed strings with vibrato move their partials together too: on real
  // instrumental recordings they reach a tenth to a fifth of the frames, holding or bending their
  // pitch. Below a quarter (or, for rapped syllables, which no instrument imitates, 0.15) the call
  // is "unknown" rather than a guess.
  const bool rap = std::string_view(c.style) == "rap";
  if (e.ratio < (rap ? 0.15 : 0.25)) {
    c.presence = "unknown";
    c.style = "none";
    c.confidence = 0.2;
    return c;
  }
  c.confidence = std::clamp(0.25 + e.ratio * 0.5, 0.25, 0.55);
  // Register: men speak around 85-155 Hz and sing mostly below 200 Hz; women speak around
  // 165-255 Hz and sing above. Between the two (and for an instrument's partials that pass for a
  // voice) the register stays unknown; a single wide-ranging singer cannot be told from two voices
  // by pitch alone, so "mixed" and "group" are left to the LLM.
  const double male_below = rap ? 150.0 : 180.0, female_above = rap ? 200.0 : 240.0;
  if (e.f0_median_hz > 0 && e.f0_median_hz < male_below) c.presence = "male";
  else if (e.f0_median_hz > female_above) c.presence = "female";
  else c.presence = "voice";  // a voice of unknown register
  return c;
}

void VocalTracker::start(int bins, float prominence_db, float moving_cents) {
  prominence_db_ = prominence_db;
  moving_cents_ = moving_cents;
  prefix_.assign(static_cast<size_t>(bins) + 1, 0.0f);
  peaks_.clear();
  prev_peaks_.clear();
  peaks_.reserve(64);
  prev_peaks_.reserve(64);
  for (auto* v : {&moving_share_, &f0_, &common_cents_, &stable_share_}) v->clear();
}

void VocalTracker::frame(const TimbreFrame& f) {
  // Partials: prominent local maxima 200 Hz-4 kHz, frequency by parabolic interpolation in dB.
  const int bins = f.bins;
  const float* db = f.db;
  const int k0 = static_cast<int>(200 / f.bin_hz), k1 = std::min(bins - 3, static_cast<int>(4000 / f.bin_hz));
  prefix_[0] = 0.0f;
  for (int k = 0; k < bins; ++k) prefix_[k + 1] = prefix_[k] + db[k];
  float frame_max = -120.0f;
  for (int k = k0; k <= k1; ++k) frame_max = std::max(frame_max, db[k]);
  const float prominence = prominence_db_;
  peaks_.clear();
  for (int k = k0; k <= k1; ++k) {
    const float v = db[k];
    if (v <= db[k - 1] || v < db[k + 1] || v < db[k - 2] || v < db[k + 2]) continue;
    if (v < frame_max - 50.0f || v < -90.0f) continue;
    const int lo = std::max(0, k - 8), hi = std::min(bins - 1, k + 8);
    const float floor = (prefix_[hi + 1] - prefix_[lo]) / static_cast<float>(hi - lo + 1);
    if (v - floor < prominence) continue;
    const float a = db[k - 1], c = db[k + 1], den = a - 2.0f * v + c;
    const float delta = den < 0.0f ? 0.5f * (a - c) / den : 0.0f;
    peaks_.push_back({static_cast<float>((k + delta) * f.bin_hz), f.power[k]});
  }
  if (peaks_.size() > 40) {
    std::nth_element(peaks_.begin(), peaks_.begin() + 40, peaks_.end(),
                     [](const Peak& p, const Peak& q) { return p.power > q.power; });
    peaks_.resize(40);
    std::sort(peaks_.begin(), peaks_.end(), [](const Peak& p, const Peak& q) { return p.hz < q.hz; });
  }
  // Match each partial to the nearest one of the previous frame (both sorted by frequency). A
  // voice moves all its harmonics by the same interval at once; partials that jitter because
  // neighbouring tones beat do not move together. So the moving share counts the partials that
  // share the most common pitch change (within a quarter of it, or 3 cents).
  const float moving_cents = moving_cents_;
  double e_matched = 0.0, e_stable = 0.0, e_all = 0.0;
  int matched = 0;
  struct Moved {
    Peak p;
    float cents;
  };
  static thread_local std::vector<Moved> moved;
  static thread_local std::vector<Peak> moving;
  moved.clear();
  moving.clear();
  size_t j = 0;
  for (const Peak& p : peaks_) {
    e_all += p.power;
    while (j + 1 < prev_peaks_.size() && prev_peaks_[j + 1].hz <= p.hz) ++j;
    float best = 1e9f;
    for (size_t q = j; q < std::min(prev_peaks_.size(), j + 2); ++q) {
      const float c = 1200.0f * std::log2(p.hz / prev_peaks_[q].hz);
      if (std::fabs(c) < std::fabs(best)) best = c;
    }
    if (std::fabs(best) > 100.0f) continue;
    ++matched;
    e_matched += p.power;
    if (std::fabs(best) >= moving_cents) moved.push_back({p, best});
    else if (std::fabs(best) < 3.0f) e_stable += p.power;
  }
  double e_moving = 0.0;
  float common = 0.0f;
  if (moved.size() >= 3) {
    for (const Moved& m : moved) {
      const float tol = std::max(3.0f, 0.25f * std::fabs(m.cents));
      double e = 0.0;
      for (const Moved& o : moved) e += std::fabs(o.cents - m.cents) <= tol ? o.p.power : 0.0;
      if (e > e_moving) {
        e_moving = e;
        common = m.cents;
      }
    }
    const float tol = std::max(3.0f, 0.25f * std::fabs(common));
    for (const Moved& m : moved) {
      if (std::fabs(m.cents - common) <= tol) moving.push_back(m.p);
    }
    if (moving.size() < 3) e_moving = 0.0;
  }
  common_cents_.push_back(e_moving > 0.0 ? common : 0.0f);

  std::swap(prev_peaks_, peaks_);
  moving_share_.push_back(matched >= 3 && e_matched > 0 ? static_cast<float>(e_moving / e_matched) : 0.0f);
  stable_share_.push_back(e_all > 0 ? static_cast<float>(e_stable / e_all) : 0.0f);

  // The fundamental behind the moving partials: the most common spacing (70-500 Hz) between them,
  // refined as the power-weighted mean of f / harmonic number.
  float f0 = 0.0f;
  if (moving.size() >= 3) {
    constexpr int kBins = 72;  // 1/24 octave from 70 Hz
    std::array<double, kBins> hist{};
    for (size_t a = 0; a < moving.size(); ++a) {
      for (size_t c = a + 1; c < moving.size(); ++c) {
        const double d = moving[c].hz - moving[a].hz;
        if (d < 70.0 || d > 500.0) continue;
        const int bin = static_cast<int>(24.0 * std::log2(d / 70.0));
        if (bin >= 0 && bin < kBins) hist[bin] += std::sqrt(static_cast<double>(moving[a].power) * moving[c].power);
      }
    }
    int best = 0;
    for (int i = 1; i < kBins; ++i) {
      if (hist[i] + (i + 1 < kBins ? 0.5 * hist[i + 1] : 0) + 0.5 * hist[i - 1] >
          hist[best] + (best + 1 < kBins ? 0.5 * hist[best + 1] : 0) + (best ? 0.5 * hist[best - 1] : 0)) {
        best = i;
      }
    }
    if (hist[best] > 0.0) {
      double coarse = 70.0 * std::pow(2.0, (best + 0.5) / 24.0);
      // The spacing can be twice the fundamental when every other harmonic is masked; partials at
      // odd multiples of half the spacing show the lower octave.
      if (coarse / 2.0 >= 70.0) {
        double odd = 0.0, all = 0.0;
        for (const Peak& p : moving) {
          all += p.power;
          const double h = std::round(p.hz / (coarse / 2.0));
          if (static_cast<int>(h) % 2 == 1 && std::fabs(1200.0 * std::log2(p.hz / (h * coarse / 2.0))) < 40.0) odd += p.power;
        }
        if (odd >= 0.15 * all) coarse /= 2.0;
      }
      double num = 0.0, den = 0.0;
      for (const Peak& p : moving) {
        const double h = std::round(p.hz / coarse);
        if (h < 1.0 || h > 40.0 || std::fabs(1200.0 * std::log2(p.hz / (h * coarse))) > 60.0) continue;
        num += p.power * p.hz / h;
        den += p.power;
      }
      if (den > 0.0) f0 = static_cast<float>(num / den);
    }
  }
  f0_.push_back(f0);
}

void VocalTracker::finish(const TimbreSpan& span, double vocal_gate, nlohmann::json* out) const {
  const size_t n = f0_.size();
  const double frame_rate = span.frame_rate;
  const std::vector<bool>& active = span.active;
  const size_t n_active = span.n_active;
  std::vector<double> stable;
  for (size_t i = 0; i < n; ++i) {
    if (span.banded[i]) stable.push_back(stable_share_[i]);
  }
  // Vocal frames: those where, over half a second around them, enough frames show a coherent
  // move of at least a fifth of the partials' power (vibrato has turning points, so not all do).
  const auto half = static_cast<size_t>(0.25 * frame_rate);
  std::vector<bool> vocal(n, false);
  {
    std::vector<double> pre(n + 1, 0.0);
    for (size_t i = 0; i < n; ++i) pre[i + 1] = pre[i] + (moving_share_[i] >= 0.2f ? 1.0 : 0.0);
    for (size_t i = 0; i < n; ++i) {
      const size_t lo = i >= half ? i - half : 0, hi = std::min(n, i + half + 1);
      vocal[i] = active[i] && (pre[hi] - pre[lo]) / static_cast<double>(hi - lo) >= vocal_gate;
    }
  }
  VocalEvidence ev;
  size_t n_vocal = 0;
  std::vector<double> f0s;
  std::vector<double> segments;
  size_t run = 0;
  for (size_t i = 0; i <= n; ++i) {
    if (i < n && vocal[i]) {
      ++n_vocal;
      ++run;
      if (f0_[i] > 0.0f) f0s.push_back(f0_[i]);
    } else if (run) {
      segments.push_back(static_cast<double>(run) / frame_rate);
      run = 0;
    }
  }
  ev.ratio = static_cast<double>(n_vocal) / static_cast<double>(n_active);
  // Vibrato: a sung note's pitch swings up and down a few times a second, so the common move of
  // the partials changes sign from frame to frame; a rapped or spoken syllable glides one way.
  {
    size_t pairs = 0, flips = 0;
    for (size_t i = 1; i < n; ++i) {
      if (!vocal[i] || common_cents_[i] == 0.0f || common_cents_[i - 1] == 0.0f) continue;
      ++pairs;
      flips += (common_cents_[i] > 0.0f) != (common_cents_[i - 1] > 0.0f);
    }
    ev.vibrato = pairs >= 10 ? static_cast<double>(flips) / static_cast<double>(pairs) : 0.0;
  }
  ev.segment_s = timbre_detail::median(segments);
  if (!f0s.empty()) {
    ev.f0_median_hz = timbre_detail::median(f0s);
    size_t lo = 0, hi = 0;
    for (double f : f0s) {
      lo += f < 170.0;
      hi += f > 185.0;
    }
    ev.low_share = static_cast<double>(lo) / static_cast<double>(f0s.size());
    ev.high_share = static_cast<double>(hi) / static_cast<double>(f0s.size());
    // Steadiness: pitch within 60 cents of the median of the pitched vocal frames around it (+-8).
    size_t steady = 0, pitched = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!vocal[i] || f0_[i] <= 0.0f) continue;
      std::vector<double> around;
      for (size_t j = i >= 8 ? i - 8 : 0; j < std::min(n, i + 9); ++j) {
        if (vocal[j] && f0_[j] > 0.0f) around.push_back(f0_[j]);
      }
      if (around.size() < 4) continue;
      ++pitched;
      steady += std::fabs(1200.0 * std::log2(f0_[i] / timbre_detail::median(around))) < 60.0;
    }
    ev.steadiness = pitched ? static_cast<double>(steady) / static_cast<double>(pitched) : 0.0;
  }
  const VocalCall call = call_vocals(ev);
  auto& o = *out;
  o["stable_partial_share"] = timbre_detail::round_to(timbre_detail::median(stable), 0.001);
  o["vocals"] = {{"presence", call.presence},
                 {"style", call.style},
                 {"confidence", timbre_detail::round_to(call.confidence, 0.01)},
                 {"ratio", timbre_detail::round_to(ev.ratio, 0.001)},
                 {"f0_median_hz", std::round(ev.f0_median_hz)},
                 {"low_share", timbre_detail::round_to(ev.low_share, 0.01)},
                 {"high_share", timbre_detail::round_to(ev.high_share, 0.01)},
                 {"steadiness", timbre_detail::round_to(ev.steadiness, 0.01)},
                 {"vibrato", timbre_detail::round_to(ev.vibrato, 0.01)},
                 {"phrase_s", timbre_detail::round_to(ev.segment_s, 0.01)}};
}

}  // namespace codex::analysis
