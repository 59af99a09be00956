#include "codex/semantic/repair.h"

#include <gtest/gtest.h>

namespace codex::semantic {
namespace {

TEST(Repair, StripsFencesAndProseAndRepairsSafeThings) {
  const std::string reply = "Sure! Here is the analysis:\n```json\n"
                            R"({"bpm": "128", "key": "A minor", "energy": 11, "danceability": 7.6,
                                "vibe": "Dark", "groove_style": "Four on floor", "mood_tags": ["a","b","c","d","e","f","g","h"],
                                "structure": ["Intro", "drop", "Outro"], "my_extra": {"x": 1}})"
                            "\n```\nHope this helps.";
  const Repaired r = repair_reply(reply);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.record["bpm"], 128.0);
  EXPECT_EQ(r.record["key"], "8A");
  EXPECT_EQ(r.record["energy"], 10);
  EXPECT_EQ(r.record["danceability"], 8);
  EXPECT_EQ(r.record["vibe"], "dark");
  EXPECT_EQ(r.record["groove_style"], "four-on-floor");
  EXPECT_EQ(r.record["mood_tags"].size(), 7u);
  EXPECT_EQ(r.record["structure"], nlohmann::json({"intro", "drop", "outro"}));
  EXPECT_EQ(r.record["my_extra"]["x"], 1);
  EXPECT_GE(r.warnings.size(), 7u);
  EXPECT_TRUE(r.errors.empty());
}

TEST(Repair, RejectsWhatCannotBeRepairedWithTheReason) {
  const Repaired r = repair_reply(R"({"vibe": "moody", "key": "H major", "energy": "lots", "bpm": 126,
                                      "mood_tags": ["only one"]})");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.record.size(), 1u);
  EXPECT_EQ(r.record["bpm"], 126);
  EXPECT_EQ(r.errors.size(), 4u);
  for (const auto& e : r.errors) EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST(Repair, MalformedReplies) {
  for (const char* bad : {"", "no json here", "{\"bpm\": 128", "[1, 2, 3]", "{\"a\": }", "```json\n```"}) {
    const Repaired r = repair_reply(bad);
    EXPECT_FALSE(r.ok) << bad;
    EXPECT_FALSE(r.errors.empty()) << bad;
  }
  const Repaired r = repair_reply(std::string("{\"title\": \"caf\xe9\", \"bpm\": 120}"));
  EXPECT_TRUE(r.ok) << "invalid UTF-8 is replaced, not fatal";
  EXPECT_NO_THROW(r.record.dump());
}

}  // namespace
}  // namespace codex::semantic
