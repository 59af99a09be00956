// Inner product of float vectors, written with eight independent partial sums so the compiler
// vectorises it without -ffast-math (a single running sum is a strict-order reduction it must
// keep scalar). Used by the embeddings and the exact vector index.
#pragma once

namespace codex {

inline float dot_product(const float* a, const float* b, int n) {
  float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) s[k] += a[i + k] * b[i + k];
  }
  float total = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
  for (; i < n; ++i) total += a[i] * b[i];
  return total;
}

}  // namespace codex
