// A fast 64-bit checksum of bytes (four independent multiply-xorshift lanes, so it runs at several
// bytes a cycle): what derived files (the library snapshot) use to find damage. Not cryptographic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace codex {

inline uint64_t checksum64(const void* data, size_t n, uint64_t seed = 0) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  auto mix = [](uint64_t h, uint64_t w) {
    h ^= w * 0xC2B2AE3D27D4EB4Full;
    h = (h << 31) | (h >> 33);
    return h * kMul;
  };
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t lane[4] = {seed ^ 0x243F6A8885A308D3ull, seed ^ 0x13198A2E03707344ull, seed ^ 0xA4093822299F31D0ull,
                      seed ^ 0x082EFA98EC4E6C89ull};
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    for (int k = 0; k < 4; ++k) {
      uint64_t w;
      std::memcpy(&w, p + i + 8 * k, 8);
      lane[k] = mix(lane[k], w);
    }
  }
  uint64_t h = static_cast<uint64_t>(n) * kMul;
  for (uint64_t l : lane) h = mix(h, l);
  for (; i < n; ++i) h = mix(h, p[i]);
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 32);
}

}  // namespace codex
