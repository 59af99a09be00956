// Small helpers shared by the timbre analyzer's parts.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace codex::analysis::timbre_detail {

inline double round_to(double v, double step) {
  const double inv = std::round(1.0 / step);
  return std::round(v * inv) / inv;
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m), v.end());
  return v[m];
}

}  // namespace codex::analysis::timbre_detail
