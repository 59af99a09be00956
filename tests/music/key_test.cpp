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

TEST(Key, OpenKeyNotation) {
  EXPECT_EQ((Key{0, false}).open_key(), "1d");   // C major
  EXPECT_EQ((Key{9, true}).open_key(), "1m");    // A minor
  EXPECT_EQ((Key{7, false}).open_key(), "2d");   // G major
  EXPECT_EQ((Key{11, false}).open_key(), "6d");  // B major
  EXPECT_EQ((Key{4, false}).open_key(), "5d");   // E major
  EXPECT_EQ((Key{5, false}).open_key(), "12d");  // F major
}

TEST(Key, AllTwentyFourRoundTripThroughEveryNotation) {
  for (int pc = 0; pc < 12; ++pc) {
    for (bool minor : {false, true}) {
      const Key k{pc, minor};
      for (const std::string& text : {k.camelot(), k.open_key(), k.name()}) {
        auto back = parse_key(text);
        ASSERT_TRUE(back.has_value()) << text;
        EXPECT_EQ(*back, k) << text;
      }
      // Camelot -> Open Key -> name -> Camelot.
      EXPECT_EQ(parse_key(parse_key(parse_key(k.camelot())->open_key())->name())->camelot(), k.camelot());
    }
  }
}

TEST(Camelot, CompatibilityFollowsTheWheel) {
  const Key a_minor{9, true};  // 8A
  EXPECT_DOUBLE_EQ(camelot_compatibility(a_minor, a_minor), 1.0);
  EXPECT_DOUBLE_EQ(camelot_compatibility(a_minor, *parse_key("9A")), 0.9);
  EXPECT_DOUBLE_EQ(camelot_compatibility(a_minor, *parse_key("7A")), 0.9);
  EXPECT_DOUBLE_EQ(camelot_compatibility(a_minor, *parse_key("8B")), 0.9);  // relative C major
  EXPECT_DOUBLE_EQ(camelot_compatibility(a_minor, *parse_key("10A")), 0.7);
  EXPECT_DOUBLE_EQ(camelot_compatibility(a_minor, *parse_key("6A")), 0.7);
  EXPECT_DOUBLE_EQ(camelot_compatibility(a_minor, *parse_key("9B")), 0.6);  // diagonal
  EXPECT_DOUBLE_EQ(camelot_compatibility(a_minor, *parse_key("7B")), 0.6);
  EXPECT_DOUBLE_EQ(camelot_compatibility(a_minor, *parse_key("3A")), 0.3);  // +7: Bb minor, a semitone up
  EXPECT_DOUBLE_EQ(camelot_compatibility(a_minor, *parse_key("2A")), 0.0);
  EXPECT_DOUBLE_EQ(camelot_compatibility(a_minor, *parse_key("2B")), 0.0);
  EXPECT_DOUBLE_EQ(camelot_compatibility(*parse_key("12B"), *parse_key("1B")), 0.9);  // wraps round
  EXPECT_EQ(camelot_relation(a_minor, *parse_key("3A")), "energy boost");
  EXPECT_EQ(camelot_relation(a_minor, *parse_key("8B")), "relative");
  EXPECT_EQ(camelot_relation(a_minor, *parse_key("9A")), "+1");
  EXPECT_EQ(camelot_relation(a_minor, *parse_key("7A")), "-1");
  EXPECT_EQ(camelot_relation(a_minor, *parse_key("4A")), "clash");
  // Every key: the energy boost really is one semitone up, in the same mode.
  for (int pc = 0; pc < 12; ++pc) {
    for (bool minor : {false, true}) {
      const Key k{pc, minor}, up{(pc + 1) % 12, minor};
      EXPECT_EQ(camelot_relation(k, up), "energy boost") << k.name();
      EXPECT_DOUBLE_EQ(camelot_compatibility(k, k), 1.0);
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

TEST(Key, ALongDigitRunIsNotAKey) {
  EXPECT_FALSE(parse_key("4294967304A")) << "used to wrap round to 8A";
  EXPECT_FALSE(parse_key("99999999999999999999999B"));
  EXPECT_FALSE(parse_key("008A").has_value() && parse_key("008A")->camelot() != "8A");
}

TEST(Key, RejectsNonsense) {
  for (const char* bad : {"", "13A", "0B", "8C", "H minor", "A dorian", "8AA", "x", "13m", "0d", "1x"}) {
    EXPECT_FALSE(parse_key(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace codex::music
