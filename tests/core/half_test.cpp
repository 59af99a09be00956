// Half precision: exact for values halves can hold, rounding to nearest even otherwise, the edges
// (subnormals, overflow, infinity, NaN), and the base64 form vectors travel in, malformed included.
#include "codex/core/half.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace codex {
namespace {

TEST(Half, ValuesHalvesHoldComeBackExactly) {
  for (float v : {0.0f, 1.0f, -1.0f, 0.5f, 1024.0f, 65504.0f, -65504.0f, 0.333251953125f, 6.103515625e-05f,
                  5.9604644775390625e-08f /* smallest subnormal */, 3.0517578125e-05f /* a subnormal */}) {
    EXPECT_EQ(half_to_float(float_to_half(v)), v) << v;
  }
  EXPECT_TRUE(std::signbit(half_to_float(float_to_half(-0.0f))));
}

TEST(Half, EveryHalfSurvivesARoundTrip) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const float f = half_to_float(static_cast<uint16_t>(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(half_to_float(float_to_half(f))));
      continue;
    }
    EXPECT_EQ(float_to_half(f), h) << std::hex << h;
  }
}

TEST(Half, RoundsToNearestEven) {
  EXPECT_EQ(half_to_float(float_to_half(1.0f + 1.0f / 2048)), 1.0f) << "half way: to the even one";
  EXPECT_EQ(half_to_float(float_to_half(1.0f + 3.0f / 2048)), 1.0f + 2.0f / 1024) << "half way: to the even one";
  EXPECT_EQ(half_to_float(float_to_half(1.0f + 1.1f / 2048)), 1.0f + 1.0f / 1024);
  EXPECT_NEAR(half_to_float(float_to_half(0.1f)), 0.1f, 0.1f / 2048);
}

TEST(Half, Edges) {
  EXPECT_TRUE(std::isinf(half_to_float(float_to_half(70000.0f))));
  EXPECT_TRUE(std::isinf(half_to_float(float_to_half(std::numeric_limits<float>::infinity()))));
  EXPECT_TRUE(std::isnan(half_to_float(float_to_half(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_EQ(half_to_float(float_to_half(1e-9f)), 0.0f) << "below half the smallest subnormal";
  EXPECT_EQ(half_to_float(float_to_half(65519.0f)), 65504.0f) << "just below the overflow threshold";
}

TEST(Half, Base64VectorsAndMalformedText) {
  const std::vector<float> v = {0.5f, -2.0f, 1000.0f};
  const std::string text = halves_base64(v);
  EXPECT_EQ(halves_from_base64(text), v);
  EXPECT_EQ(halves_from_base64(""), std::vector<float>{});
  EXPECT_FALSE(halves_from_base64("AAA"));        // not base64
  EXPECT_FALSE(halves_from_base64("AA=="));       // one byte: not a whole half
  EXPECT_FALSE(halves_from_base64("AAAA!A=="));   // a bad character
}

}  // namespace
}  // namespace codex
