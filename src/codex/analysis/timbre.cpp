#include "codex/analysis/timbre.h"

#include "codex/analysis/fast_math.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>

namespace codex::analysis {
namespace {

constexpr double kActiveGateDb = -60.0;
constexpr double kLog2e = 1.4426950408889634;  // flux is kept in log2 units
constexpr double kBandEdges[7] = {20, 60, 250, 500, 2000, 6000, 11025};
constexpr const char* kBandNames[6] = {"sub", "bass", "low_mid", "mid", "high_mid", "high"};

double round_to(double v, double step) {
  const double inv = std::round(1.0 / step);
  return std::round(v * inv) / inv;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m), v.end());
  return v[m];
}

// Peaks per second of a flux series: local maxima above 1.5x the local mean plus a floor.
double onset_rate(const std::vector<float>& flux, const std::vector<bool>& active, double frame_rate, double floor) {
  size_t onsets = 0, n_active = 0;
  const size_t n = flux.size();
  for (size_t i = 0; i < n; ++i) {
    if (!active[i]) continue;
    ++n_active;
    if (i == 0 || i + 1 >= n || flux[i] <= flux[i - 1] || flux[i] < flux[i + 1]) continue;
    const size_t lo = i >= 10 ? i - 10 : 0, hi = std::min(n, i + 11);
    double m = 0.0;
    for (size_t j = lo; j < hi; ++j) m += flux[j];
    m /= static_cast<double>(hi - lo);
    if (flux[i] > 1.5 * m + floor) ++onsets;
  }
  // Per second of the track from its first to its last sounding frame (silent gaps count: a sparse
  // click track has few onsets per second, not many per second of sound).
  size_t first = n, last = 0;
  for (size_t i = 0; i < n; ++i) {
    if (active[i]) {
      first = std::min(first, i);
      last = i;
    }
  }
  return n_active ? static_cast<double>(onsets) / (static_cast<double>(last - first + 1) / frame_rate) : 0.0;
}

}  // namespace

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

TimbreAnalyzer::TimbreAnalyzer(std::shared_ptr<SharedStft> shared)
    : BasicAnalyzer("timbre", 2,
                    {{"frame", "STFT frame length in samples at the analysis rate", 512, 4096, 2048},
                     {"hop", "STFT hop in samples at the analysis rate", 128, 2048, 1024},
                     {"peak_prominence_db", "how far a partial must rise above the local spectrum", 3, 30, 9},
                     {"moving_cents", "frame-to-frame pitch change that counts as moving", 2, 50, 7},
                     {"vocal_gate", "share of frames with moving partials, over half a second, that marks a vocal frame", 0.02, 0.9, 0.25}}),
      stft_(std::move(shared)) {}

Status TimbreAnalyzer::start(const StreamFormat& format) {
  rate_ = format.analysis_rate_hz;
  frame_ = static_cast<int>(params_.get("frame"));
  hop_ = static_cast<int>(params_.get("hop"));
  if (hop_ > frame_) return Status::Error("hop must not exceed frame");
  if (frame_ % 8 != 0) return Status::Error("frame must be a multiple of 8");
  bin_hz_ = static_cast<double>(rate_) / frame_;
  stft_.start(frame_, hop_);
  const auto bins = static_cast<size_t>(frame_ / 2 + 1);
  db_.assign(bins, -120.0f);
  power_bins_.assign(bins, 0.0f);
  spectrum_sum_.assign(bins, 0.0);
  prev_logmag_.assign(bins, 0.0f);
  prefix_.assign(bins + 1, 0.0f);
  peaks_.clear();
  prev_peaks_.clear();
  peaks_.reserve(64);
  prev_peaks_.reserve(64);
  peak_abs_ = 0.0;
  for (auto* v : {&power_, &flux_low_, &flux_snare_, &flux_high_, &flatness_, &rolloff_, &moving_share_, &f0_, &common_cents_,
                  &stable_share_}) {
    v->clear();
  }
  band_.clear();
  return Status::Ok();
}

void TimbreAnalyzer::analyse_frame(const SharedStft::Frame& frame) {
  const float* power = frame.power;
  const float* log_mag = frame.log_mag;
  const int bins = frame_ / 2 + 1;
  std::array<float, 6> band{};
  double total = 0.0;
  int b = 0;
  for (int k = 1; k < bins; ++k) {
    const float p = power[k];
    power_bins_[k] = p;
    spectrum_sum_[k] += p;
    db_[k] = 3.0103f * fast_log2(p + 1e-12f);
    const double hz = k * bin_hz_;
    while (b < 5 && hz >= kBandEdges[b + 1]) ++b;
    if (hz >= kBandEdges[0]) band[b] += p;
    total += p;
  }
  // Band-wise positive flux: kick (40-150 Hz), snare/clap body and crack (1-4 kHz), hats (6 kHz up).
  auto flux = [&](double lo, double hi) {
    const int k0 = std::max(1, static_cast<int>(lo / bin_hz_)), k1 = std::min(bins - 1, static_cast<int>(hi / bin_hz_));
    double f = 0.0;
    for (int k = k0; k <= k1; ++k) f += std::max(0.0f, log_mag[k] - prev_logmag_[k]);
    return static_cast<float>(f / std::max(1, k1 - k0 + 1) * kLog2e);  // in log2 units
  };
  flux_low_.push_back(flux(40, 150));
  flux_snare_.push_back(flux(1000, 4000));
  flux_high_.push_back(flux(6000, 11000));
  std::copy(log_mag, log_mag + bins, prev_logmag_.begin());

  // Flatness over 250 Hz-6 kHz; roll-off at 95% of the power.
  {
    const int k0 = static_cast<int>(250 / bin_hz_), k1 = static_cast<int>(6000 / bin_hz_);
    double lsum = 0.0, psum = 0.0;
    for (int k = k0; k <= k1; ++k) {
      lsum += db_[k];
      psum += power_bins_[k];
    }
    const double n = k1 - k0 + 1;
    const double geo = std::pow(10.0, lsum / n / 10.0), arith = psum / n;
    flatness_.push_back(arith > 1e-12 ? static_cast<float>(geo / arith) : 0.0f);
    double acc = 0.0;
    int k = 1;
    for (; k < bins; ++k) {
      acc += power_bins_[k];
      if (acc >= 0.95 * total) break;
    }
    rolloff_.push_back(static_cast<float>(k * bin_hz_));
  }

  // Partials: prominent local maxima 200 Hz-4 kHz, frequency by parabolic interpolation in dB.
  const int k0 = static_cast<int>(200 / bin_hz_), k1 = std::min(bins - 3, static_cast<int>(4000 / bin_hz_));
  prefix_[0] = 0.0f;
  for (int k = 0; k < bins; ++k) prefix_[k + 1] = prefix_[k] + db_[k];
  float frame_max = -120.0f;
  for (int k = k0; k <= k1; ++k) frame_max = std::max(frame_max, db_[k]);
  const auto prominence = static_cast<float>(params_.get("peak_prominence_db"));
  peaks_.clear();
  for (int k = k0; k <= k1; ++k) {
    const float v = db_[k];
    if (v <= db_[k - 1] || v < db_[k + 1] || v < db_[k - 2] || v < db_[k + 2]) continue;
    if (v < frame_max - 50.0f || v < -90.0f) continue;
    const int lo = std::max(0, k - 8), hi = std::min(bins - 1, k + 8);
    const float floor = (prefix_[hi + 1] - prefix_[lo]) / static_cast<float>(hi - lo + 1);
    if (v - floor < prominence) continue;
    const float a = db_[k - 1], c = db_[k + 1], den = a - 2.0f * v + c;
    const float delta = den < 0.0f ? 0.5f * (a - c) / den : 0.0f;
    peaks_.push_back({static_cast<float>((k + delta) * bin_hz_), power_bins_[k]});
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
  const auto moving_cents = static_cast<float>(params_.get("moving_cents"));
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
  band_.push_back(band);
  power_.push_back(static_cast<float>(frame.mean_square));
}

void TimbreAnalyzer::process(const audio::AudioBlock& blk) {
  for (int i = 0; i < blk.mono_frames; ++i) peak_abs_ = std::max(peak_abs_, static_cast<double>(std::fabs(blk.mono[i])));
  for (const SharedStft::Frame& f : stft_.frames(blk)) analyse_frame(f);
}

AnalyzerOutput TimbreAnalyzer::finish() {
  AnalyzerOutput out;
  const size_t n = power_.size();
  const double frame_rate = static_cast<double>(rate_) / hop_;
  const double gate = std::pow(10.0, kActiveGateDb / 10.0);
  std::vector<bool> active(n);
  size_t n_active = 0;
  double psum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    active[i] = power_[i] >= gate;
    if (active[i]) {
      ++n_active;
      psum += power_[i];
    }
  }
  if (n_active < 10) {
    out.values["vocals"] = {{"presence", nullptr}, {"style", nullptr}, {"ratio", 0.0}};
    out.flags.push_back(n == 0 ? "short" : "silent");
    out.confidence = 0.0;
    return out;
  }
  // Band shares, flatness, roll-off over active frames.
  std::array<double, 6> share{};
  std::vector<double> flat, roll, stable;
  for (size_t i = 0; i < n; ++i) {
    if (!active[i]) continue;
    double tot = 0.0;
    for (float v : band_[i]) tot += v;
    if (tot <= 0.0) continue;
    for (int k = 0; k < 6; ++k) share[k] += band_[i][k] / tot;
    flat.push_back(flatness_[i]);
    roll.push_back(rolloff_[i]);
    stable.push_back(stable_share_[i]);
  }
  nlohmann::json bands = nlohmann::json::object();
  for (int k = 0; k < 6; ++k) bands[kBandNames[k]] = round_to(share[k] / static_cast<double>(n_active), 0.001);
  // Roll-off movement: spread (in octaves) of the 2-second median roll-off.
  std::vector<double> block_roll;
  const auto per_block = static_cast<size_t>(2.0 * frame_rate);
  for (size_t i = 0; i + per_block <= n; i += per_block) {
    std::vector<double> r;
    for (size_t j = i; j < i + per_block; ++j) {
      if (active[j]) r.push_back(std::log2(std::max(50.0f, rolloff_[j])));
    }
    if (r.size() > per_block / 2) block_roll.push_back(median(r));
  }
  double roll_spread = 0.0;
  if (block_roll.size() >= 8) {  // at least 16 s: a short loop has no sweep to speak of
    std::vector<double> s = block_roll;
    std::sort(s.begin(), s.end());
    roll_spread = s[s.size() * 9 / 10] - s[s.size() / 10];
  }

  // Vocal frames: those where, over half a second around them, enough frames show a coherent
  // move of at least a fifth of the partials' power (vibrato has turning points, so not all do).
  const auto half = static_cast<size_t>(0.25 * frame_rate);
  const auto vocal_gate = params_.get("vocal_gate");
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
  ev.segment_s = median(segments);
  if (!f0s.empty()) {
    ev.f0_median_hz = median(f0s);
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
      steady += std::fabs(1200.0 * std::log2(f0_[i] / median(around))) < 60.0;
    }
    ev.steadiness = pitched ? static_cast<double>(steady) / static_cast<double>(pitched) : 0.0;
  }
  const VocalCall call = call_vocals(ev);

  const double rms = std::sqrt(psum / static_cast<double>(n_active));
  out.values["band_share"] = bands;
  out.values["flatness"] = round_to(median(flat), 0.001);
  out.values["rolloff_hz"] = std::round(median(roll));
  // Bandwidth: the highest frequency where the long-term spectrum is within 60 dB of its peak
  // (up to the analysis rate's Nyquist frequency): a low value means a band-limited recording.
  {
    double peak = 0.0;
    for (double v : spectrum_sum_) peak = std::max(peak, v);
    size_t top = 0;
    for (size_t k = 1; k < spectrum_sum_.size(); ++k) {
      if (spectrum_sum_[k] > peak * 1e-6) top = k;
    }
    out.values["bandwidth_hz"] = std::round(static_cast<double>(top) * bin_hz_);
  }
  out.values["rolloff_spread_oct"] = round_to(roll_spread, 0.01);
  out.values["crest_db"] = round_to(20.0 * std::log10(std::max(peak_abs_, 1e-9) / std::max(rms, 1e-9)), 0.1);
  out.values["stable_partial_share"] = round_to(median(stable), 0.001);
  out.values["onset_rate_hz"] = {{"kick", round_to(onset_rate(flux_low_, active, frame_rate, 0.01), 0.01)},
                                 {"snare", round_to(onset_rate(flux_snare_, active, frame_rate, 0.004), 0.01)},
                                 {"hat", round_to(onset_rate(flux_high_, active, frame_rate, 0.002), 0.01)}};
  out.values["vocals"] = {{"presence", call.presence},
                          {"style", call.style},
                          {"confidence", round_to(call.confidence, 0.01)},
                          {"ratio", round_to(ev.ratio, 0.001)},
                          {"f0_median_hz", std::round(ev.f0_median_hz)},
                          {"low_share", round_to(ev.low_share, 0.01)},
                          {"high_share", round_to(ev.high_share, 0.01)},
                          {"steadiness", round_to(ev.steadiness, 0.01)},
                          {"vibrato", round_to(ev.vibrato, 0.01)},
                          {"phrase_s", round_to(ev.segment_s, 0.01)}};
  out.confidence = std::min(1.0, static_cast<double>(n_active) / frame_rate / 30.0);
  return out;
}

}  // namespace codex::analysis
