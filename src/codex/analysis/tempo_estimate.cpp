#include "codex/analysis/tempo_estimate.h"

#include "codex/analysis/beat_tracker.h"

#include <algorithm>
#include <cmath>

namespace codex::analysis {
namespace {

constexpr double kUsualMinPeriodicity = TempoOptions{}.min_periodicity;

double acf_at(const std::vector<double>& acf, double lag) {
  if (lag < 0 || lag >= static_cast<double>(acf.size() - 1)) return 0.0;
  const auto i = static_cast<size_t>(lag);
  const double f = lag - static_cast<double>(i);
  return acf[i] + f * (acf[i + 1] - acf[i]);
}

// Peak of the autocorrelation near a lag (±1 frame), so a slightly off grid still sees its peak.
double acf_peak_near(const std::vector<double>& acf, double lag) {
  double best = 0.0;
  for (double d = -1.0; d <= 1.0; d += 0.25) best = std::max(best, acf_at(acf, lag + d));
  return best;
}

// Height of the autocorrelation peak at `lag` above the lowest point between lag/2 and lag.
double prominence(const std::vector<double>& acf, double lag) {
  const double peak = acf_peak_near(acf, lag);
  double valley = peak;
  for (double l = 0.5 * lag; l <= lag; l += 0.5) valley = std::min(valley, acf_at(acf, l));
  return std::max(0.0, peak - valley);
}

}  // namespace

std::vector<float> detrend_onsets(const std::vector<float>& odf, double fps) {
  const size_t n = odf.size();
  const auto half = static_cast<size_t>(std::max(1.0, 0.5 * fps));
  std::vector<double> prefix(n + 1, 0.0);
  for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + odf[i];
  std::vector<float> out(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t lo = i > half ? i - half : 0, hi = std::min(n, i + half + 1);
    const double mean = (prefix[hi] - prefix[lo]) / static_cast<double>(hi - lo);
    out[i] = static_cast<float>(std::max(0.0, odf[i] - mean));
  }
  return out;
}

std::vector<double> windowed_autocorrelation(const std::vector<float>& x, int window, int max_lag) {
  std::vector<double> acf(static_cast<size_t>(max_lag + 1), 0.0);
  const auto n = static_cast<int>(x.size());
  if (n < 2) return acf;
  window = std::min(window, n);
  const int hop = std::max(1, window / 2);
  std::vector<double> w(static_cast<size_t>(max_lag + 1));
  for (int start = 0; start + window <= n; start += hop) {
    const float* s = x.data() + start;
    double e = 0.0;
    for (int i = 0; i < window; ++i) e += static_cast<double>(s[i]) * s[i];
    if (e <= 1e-12) continue;
    for (int lag = 0; lag <= max_lag && lag < window; ++lag) {
      double acc = 0.0;
      for (int i = 0; i + lag < window; ++i) acc += static_cast<double>(s[i]) * s[i + lag];
      // Unbiased: divide by the overlap so long lags are not penalised for the window edge.
      acf[static_cast<size_t>(lag)] += acc / e * window / static_cast<double>(window - lag);
    }
    if (start + window == n) break;
    if (start + hop + window > n) start = n - window - hop;  // last window ends at the end
  }
  const double zero = acf[0];
  if (zero > 0) {
    for (auto& v : acf) v /= zero;
  }
  return acf;
}

double comb_salience(const std::vector<double>& acf, double fps, double bpm) {
  const double tau = 60.0 * fps / bpm;
  static const double kWeights[4] = {1.0, 0.5, 0.33, 0.25};
  double s = 0.0;
  for (int k = 1; k <= 4; ++k) s += kWeights[k - 1] * acf_peak_near(acf, k * tau);
  return s / 2.08;
}

TempoEstimate estimate_tempo(const std::vector<float>& odf, double fps, const TempoOptions& opt,
                             const std::vector<float>* high_odf, const std::vector<float>* mid_odf) {
  TempoEstimate est;
  if (odf.size() < static_cast<size_t>(2 * fps)) return est;
  const std::vector<float> x = detrend_onsets(odf, fps);
  const int max_lag = static_cast<int>(std::ceil(4.0 * 60.0 * fps / 40.0)) + 2;
  const int window = static_cast<int>(std::lround(10.0 * fps));
  const std::vector<double> acf = windowed_autocorrelation(x, std::max(window, max_lag + 1), max_lag);

  auto prior = [&](double bpm) {
    const double z = std::log2(bpm / opt.prior_center_bpm) / opt.prior_octaves;
    return std::exp(-0.5 * z * z);
  };
  double best_bpm = 0.0, best_score = -1.0;
  for (double bpm = opt.min_bpm; bpm <= opt.max_bpm; bpm += 0.25) {
    const double tau = 60.0 * fps / bpm;
    // Bar-level support: music repeats in bars of 4 (or 3) beats.
    const double bar = std::max(acf_peak_near(acf, 4.0 * tau), acf_peak_near(acf, 3.0 * tau));
    const double score = comb_salience(acf, fps, bpm) * (0.5 + 0.5 * bar) * prior(bpm);
    if (score > best_score) {
      best_score = score;
      best_bpm = bpm;
    }
  }
  // Periodicity: how far the autocorrelation rises above the valley before it at one and at two
  // beat periods. Beatless material (pads, ambience, even with a chord change every bar) has no
  // such peaks at the beat level.
  if (best_score > 0) {
    const double tau = 60.0 * fps / best_bpm;
    est.periodicity = std::min(prominence(acf, tau), prominence(acf, 2.0 * tau));
  }
  if (est.periodicity < opt.min_periodicity) return est;

  est.slow_bpm = best_bpm;
  // Three against two. Music repeats in bars and phrases: the strongest long period of the
  // autocorrelation (1.5-6 s) holds a whole number of beats of the right tempo (2, 3, 4, 6, 8, 12
  // or 16). A dotted-quarter pulse (the 3+3+2 of trap and reggaeton bass lines, a waltz read in
  // twos) can outscore the beat in the comb but does not divide the bar: when the comb's pick
  // leaves the pattern a fractional number of beats and the tempo 3/2 of it divides it, and
  // scores at least half as well, that one is the beat. (Only upwards: on real house and trance
  // the long period is sometimes an odd number of beats, and stepping down to 2/3 was wrong there.)
  {
    // (At most half the input: longer lags of a short clip rest on too few products.)
    const auto lo = static_cast<size_t>(1.5 * fps);
    const size_t hi = std::min({acf.size() - 2, static_cast<size_t>(6.0 * fps), odf.size() / 2});
    size_t pattern = 0;
    for (size_t l = lo; l <= hi; ++l) {
      if (acf[l] > acf[l - 1] && acf[l] >= acf[l + 1] && (pattern == 0 || acf[l] > acf[pattern])) pattern = l;
    }
    auto divides = [&](double bpm) {
      const double beats = static_cast<double>(pattern) / (60.0 * fps / bpm);
      for (double n : {2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0}) {
        if (std::fabs(beats - n) <= 0.04 * n) return true;
      }
      return false;
    };
    if (pattern > 0) {
      est.pattern_s = static_cast<double>(pattern) / fps;
      const double b = best_bpm * 1.5;
      if (!divides(best_bpm) && b <= opt.max_bpm && divides(b)) {
        const double tau = 60.0 * fps / b;
        const double bar = std::max(acf_peak_near(acf, 4.0 * tau), acf_peak_near(acf, 3.0 * tau));
        if (comb_salience(acf, fps, b) * (0.5 + 0.5 * bar) * prior(b) >= 0.5 * best_score) {
          est.three_two = true;
          best_bpm = b;
        }
      }
    }
  }

  // Metrical level. The comb leans towards the two-beat cycle (kick and snare alternate, so the
  // autocorrelation at two beats beats the one at one beat), and half-time genres really are felt
  // at the double. A slow reading is doubled (if the double stays <= 180 BPM, the range DJs file
  // such music under) when
  //  - it is slower than anyone would tap (< 70 BPM) and carries a pulse at the double's eighths;
  //  - or the pulse reaches the double's sixteenths (drum & bass and dubstep programming: ghost
  //    notes, shuffled hats), or the hats alone run the double's eighths clearly;
  //  - or the mid range (snares, claps) puts at least 43% of its onset strength on the slow
  //    grid's half-beats (3/4 as much as on its beats): drum & bass with the kick on 1 and 3
  //    and the snare on 2 and 4 of the double; rock and hip-hop put the snare on the slow
  //    grid's beats and little in between.
  // Rock, pop and folk at 70-92 BPM whose hats or strums play eighths, and hip-hop under a rap on
  // sixteenths (the syllables are not in the hats' range), stay where they are.
  est.fast_pulse = acf_peak_near(acf, 15.0 * fps / best_bpm);
  est.faster_pulse = acf_peak_near(acf, 7.5 * fps / best_bpm);
  if (high_odf && high_odf->size() == odf.size()) {  // the same eighth-of-the-double pulse, in the hats
    const int lag = static_cast<int>(std::ceil(15.0 * fps / best_bpm)) + 2;
    const auto hacf = windowed_autocorrelation(detrend_onsets(*high_odf, fps), std::max(window, lag + 1), lag);
    est.hat_pulse = acf_peak_near(hacf, 15.0 * fps / best_bpm);
  }
  if (mid_odf && mid_odf->size() == odf.size() && best_bpm < 92.0) {
    const double tau = 60.0 * fps / best_bpm;
    const std::vector<double> beats = dp_beat_frames(odf, tau, 100.0);
    double on = 0.0, off = 0.0;
    for (double b : beats) {
      on += max_near(*mid_odf, b);
      off += max_near(*mid_odf, b + 0.5 * tau);
    }
    est.offbeat_snare = on + off > 0 ? off / (on + off) : 0.0;
  }
  const bool too_slow = best_bpm < 70.0 && est.fast_pulse >= 0.05;
  // (A snare on the double's 2 and 4 is a straight feel at the double; the hat and sixteenth
  // evidence is half-time drums.)
  const bool half_time = est.faster_pulse >= opt.double_sixteenths || est.hat_pulse >= 0.6;
  const bool offbeat_snare = est.offbeat_snare >= 0.43;
  if (best_bpm < 92.0 && 2.0 * best_bpm <= 180.0 && (too_slow || half_time || offbeat_snare)) {
    best_bpm *= 2.0;
    est.half_time_feel = half_time && !offbeat_snare;
  }

  // Refine to a fraction of a BPM around the chosen peak.
  double fine_bpm = best_bpm, fine = -1.0;
  for (double bpm = best_bpm - 1.0; bpm <= best_bpm + 1.0; bpm += 0.02) {
    const double s = comb_salience(acf, fps, bpm);
    if (s > fine) {
      fine = s;
      fine_bpm = bpm;
    }
  }
  est.bpm = fine_bpm;
  const double s0 = comb_salience(acf, fps, est.bpm);
  est.salience_half = s0 > 0 ? comb_salience(acf, fps, est.bpm / 2.0) / s0 : 0.0;
  est.salience_double = s0 > 0 ? comb_salience(acf, fps, est.bpm * 2.0) / s0 : 0.0;
  const std::pair<double, const char*> rel[] = {{0.5, "half"}, {2.0, "double"}, {2.0 / 3.0, "two-thirds"}, {1.5, "three-halves"}};
  double runner_up = 0.0;
  for (const auto& [m, name] : rel) {
    const double b = est.bpm * m;
    const double score = s0 > 0 ? comb_salience(acf, fps, b) * prior(b) / (s0 * prior(est.bpm)) : 0.0;
    est.alternatives.push_back({b, score, name});
    runner_up = std::max(runner_up, std::min(1.0, score));
  }
  std::sort(est.alternatives.begin(), est.alternatives.end(),
            [](const TempoCandidate& a, const TempoCandidate& b) { return a.score > b.score; });
  // Confidence is measured from the usual gate even where distinct onsets lowered it.
  const double strength =
      std::clamp((est.periodicity - std::max(opt.min_periodicity, kUsualMinPeriodicity)) / 0.4, 0.0, 1.0);
  est.confidence = strength * (1.0 - 0.5 * runner_up);
  return est;
}

}  // namespace codex::analysis
