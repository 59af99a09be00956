// Cheap logarithms for per-bin spectral work, where std::log costs more than the FFT.
#pragma once

#include <cstdint>
#include <cstring>

namespace codex::analysis {

// log2(x) for x > 0 (normal floats) to about 1e-4 absolute: the exponent from the float's bits and
// a cubic for the mantissa's log2 on [1, 2).
inline float fast_log2(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const int exponent = static_cast<int>((bits >> 23) & 0xFF) - 127;
  bits = (bits & 0x007FFFFF) | 0x3F800000;
  float m;
  std::memcpy(&m, &bits, sizeof m);
  const float log2_m = ((0.15824871f * m - 1.05187502f) * m + 3.04788415f) * m - 2.15427315f;
  return static_cast<float>(exponent) + log2_m;
}

// log(1 + x) for x >= 0.
inline float fast_log1p(float x) { return 0.69314718f * fast_log2(1.0f + x); }

}  // namespace codex::analysis
