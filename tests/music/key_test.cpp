#include "codex/music/key.h"

#include <gtest/gtest.h>

namespace codex::music {
namespace {

TEST(Key, KnownCamelotCodes) {
  EXPECT_EQ((Key{9, true}).camelot(), "8A");   // A minor
  EXPECT_EQ((Key{0, false}).camelot(), "8B");  // C major
  EXPECT_EQ((Key{7, false}).camelot(), "9B");  // G major
  EXPECT_EQ((Key{4, true}).camelot(), "9A");   // E minor
  EXPECT_EQ((Key{11, false}).camelot(), "1B"); // B major
  EXPECT_EQ((Key{8, true}).camelot(), "1A");   // Ab minor
  EXPECT_EQ((Key{9, true}).name(), "A minor");
  EXPECT_EQ((Key{6, false}).name(), "F# major");
}

TEST(Key, AllTwentyFourRoundTrip) {
  for (int pc = 0; pc < 12; ++pc) {
    for (bool minor : {false, true}) {
      const Key k{pc, minor};
      auto from_camelot = parse_key(k.camelot());
      ASSERT_TRUE(from_camelot.has_value()) << k.camelot();
      EXPECT_EQ(*from_camelot, k) << k.camelot();
      auto from_name = parse_key(k.name());
      ASSERT_TRUE(from_name.has_value()) << k.name();
      EXPECT_EQ(*from_name, k) << k.name();
    }
  }
}

TEST(Key, ParsesCommonSpellings) {
  EXPECT_EQ(parse_key("Am"), (Key{9, true}));
  EXPECT_EQ(parse_key("Bbm"), (Key{10, true}));
  EXPECT_EQ(parse_key("a:min"), (Key{9, true}));
  EXPECT_EQ(parse_key("F#"), (Key{6, false}));
  EXPECT_EQ(parse_key(" 12b "), (Key{4, false}));
}

TEST(Key, RejectsNonsense) {
  for (const char* bad : {"", "13A", "0B", "8C", "H minor", "A dorian", "8AA", "x"}) {
    EXPECT_FALSE(parse_key(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace codex::music
