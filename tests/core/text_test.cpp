#include "codex/core/text.h"

#include <gtest/gtest.h>

namespace codex {
namespace {

TEST(ToValidUtf8, KeepsValidText) {
  EXPECT_EQ(to_valid_utf8("Café del Mar – Ü"), "Café del Mar – Ü");
  EXPECT_EQ(to_valid_utf8("plain"), "plain");
}

TEST(ToValidUtf8, ReplacesInvalidBytes) {
  EXPECT_EQ(to_valid_utf8("a\xff" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(to_valid_utf8("\xC3"), "\xEF\xBF\xBD");               // truncated sequence
  EXPECT_EQ(to_valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  EXPECT_EQ(to_valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(Hex, Encodes) {
  const unsigned char b[] = {0x00, 0xab, 0xff};
  EXPECT_EQ(to_hex(b, 3), "00abff");
}

}  // namespace
}  // namespace codex
