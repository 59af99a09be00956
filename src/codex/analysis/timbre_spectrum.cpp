#include <algorithm>
#include <cmath>

#include "codex/analysis/timbre_common.h"
#include "codex/analysis/timbre_parts.h"

namespace codex::analysis {
namespace {

constexpr double kBandEdges[7] = {20, 60, 250, 500, 2000, 6000, 11025};
constexpr const char* kBandNames[6] = {"sub", "bass", "low_mid", "mid", "high_mid", "high"};

}  // namespace

void SpectralShape::start(int bins) {
  spectrum_sum_.assign(static_cast<size_t>(bins), 0.0);
  band_.clear();
  flatness_.clear();
  rolloff_.clear();
}

void SpectralShape::frame(const TimbreFrame& f) {
  std::array<float, 6> band{};
  int b = 0;
  for (int k = 1; k < f.bins; ++k) {
    const float p = f.power[k];
    spectrum_sum_[k] += p;
    const double hz = k * f.bin_hz;
    while (b < 5 && hz >= kBandEdges[b + 1]) ++b;
    if (hz >= kBandEdges[0]) band[b] += p;
  }
  band_.push_back(band);
  // Flatness over 250 Hz-6 kHz; roll-off at 95% of the power.
  const int k0 = static_cast<int>(250 / f.bin_hz), k1 = static_cast<int>(6000 / f.bin_hz);
  double lsum = 0.0, psum = 0.0;
  for (int k = k0; k <= k1; ++k) {
    lsum += f.db[k];
    psum += f.power[k];
  }
  const double n = k1 - k0 + 1;
  const double geo = std::pow(10.0, lsum / n / 10.0), arith = psum / n;
  flatness_.push_back(arith > 1e-12 ? static_cast<float>(geo / arith) : 0.0f);
  double acc = 0.0;
  int k = 1;
  for (; k < f.bins; ++k) {
    acc += f.power[k];
    if (acc >= 0.95 * f.total_power) break;
  }
  rolloff_.push_back(static_cast<float>(k * f.bin_hz));
}

std::vector<bool> SpectralShape::banded(const std::vector<bool>& active) const {
  std::vector<bool> out(band_.size(), false);
  for (size_t i = 0; i < band_.size(); ++i) {
    if (!active[i]) continue;
    double tot = 0.0;
    for (float v : band_[i]) tot += v;
    out[i] = tot > 0.0;
  }
  return out;
}

void SpectralShape::finish(const TimbreSpan& span, double bin_hz, nlohmann::json* out) const {
  const size_t n = band_.size();
  // Band shares, flatness, roll-off over active frames.
  std::array<double, 6> share{};
  std::vector<double> flat, roll;
  for (size_t i = 0; i < n; ++i) {
    if (!span.active[i]) continue;
    double tot = 0.0;
    for (float v : band_[i]) tot += v;
    if (tot <= 0.0) continue;
    for (int k = 0; k < 6; ++k) share[k] += band_[i][k] / tot;
    flat.push_back(flatness_[i]);
    roll.push_back(rolloff_[i]);
  }
  nlohmann::json bands = nlohmann::json::object();
  for (int k = 0; k < 6; ++k) bands[kBandNames[k]] = timbre_detail::round_to(share[k] / static_cast<double>(span.n_active), 0.001);
  // Roll-off movement: spread (in octaves) of the 2-second median roll-off.
  std::vector<double> block_roll;
  const auto per_block = static_cast<size_t>(2.0 * span.frame_rate);
  for (size_t i = 0; i + per_block <= n; i += per_block) {
    std::vector<double> r;
    for (size_t j = i; j < i + per_block; ++j) {
      if (span.active[j]) r.push_back(std::log2(std::max(50.0f, rolloff_[j])));
    }
    if (r.size() > per_block / 2) block_roll.push_back(timbre_detail::median(r));
  }
  double roll_spread = 0.0;
  if (block_roll.size() >= 8) {  // at least 16 s: a short loop has no sweep to speak of
    std::vector<double> s = block_roll;
    std::sort(s.begin(), s.end());
    roll_spread = s[s.size() * 9 / 10] - s[s.size() / 10];
  }
  auto& o = *out;
  o["band_share"] = bands;
  o["flatness"] = timbre_detail::round_to(timbre_detail::median(flat), 0.001);
  o["rolloff_hz"] = std::round(timbre_detail::median(roll));
  // Bandwidth: the highest frequency where the long-term spectrum is within 60 dB of its peak
  // (up to the analysis rate's Nyquist frequency): a low value means a band-limited recording.
  double peak = 0.0;
  for (double v : spectrum_sum_) peak = std::max(peak, v);
  size_t top = 0;
  for (size_t k = 1; k < spectrum_sum_.size(); ++k) {
    if (spectrum_sum_[k] > peak * 1e-6) top = k;
  }
  o["bandwidth_hz"] = std::round(static_cast<double>(top) * bin_hz);
  o["rolloff_spread_oct"] = timbre_detail::round_to(roll_spread, 0.01);
}

}  // namespace codex::analysis
