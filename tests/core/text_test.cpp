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

namespace codex {
namespace {

TEST(Printable, ControlCharactersAreShownNotObeyed) {
  EXPECT_EQ(printable("plain — text"), "plain — text");
  EXPECT_EQ(printable("a\x1b]0;owned\x07title"), "a\\x1b]0;owned\\x07title");
  EXPECT_EQ(printable("two\nlines\r"), "two\\x0alines\\x0d");
  EXPECT_EQ(printable("del\x7f"), "del\\x7f");
  EXPECT_EQ(printable("csi\xc2\x9b" "2J"), "csi\\u009b2J") << "C1 controls too";
  EXPECT_EQ(printable("caf\xe9"), "caf\xef\xbf\xbd") << "invalid UTF-8 becomes U+FFFD first";
  EXPECT_EQ(printable("\xc2\xa0nbsp"), "\xc2\xa0nbsp") << "printable non-ASCII stays";
}

}  // namespace
}  // namespace codex

namespace codex {
namespace {

TEST(Base64, RoundTripsAnyBytesAndRefusesWhatIsNotCanonical) {
  for (const std::string& s : {std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
                              std::string("foob"), std::string("/music/bad\xff\xfe" "name.mp3"),
                              std::string("\0\x01\x80", 3)}) {
    const auto back = base64_decode(base64_encode(s));
    ASSERT_TRUE(back.has_value()) << base64_encode(s);
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  for (const char* bad : {"Zm9", "Zm8", "Z===", "====", "Zm=8", "Zm9v!mFy", "Zm9=Zm9v", "Zm9 ", "Zn==", "Zm9\n"}) {
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
  }
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9"));
  EXPECT_FALSE(is_valid_utf8("caf\xe9"));
}

}  // namespace
}  // namespace codex
