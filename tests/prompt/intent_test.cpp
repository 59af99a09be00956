#include "codex/prompt/intent.h"

#include <gtest/gtest.h>

namespace codex::prompt {
namespace {

const Vocabulary kVocab{{"techno", "drum & bass", "deep house"}, {"driving", "nocturnal", "warm"}};

Intent parse(const std::string& s) { return parse_intent(s, kVocab); }

TEST(Intent, EnergyUpDownHold) {
  for (const char* p : {"more energy", "crank it up", "Crank it up!", "push it", "step it up", "harder", "bigger"}) {
    EXPECT_EQ(parse(p).energy, Direction::kUp) << p;
  }
  EXPECT_EQ(parse("much more energy").energy_steps, 2);
  for (const char* p : {"bring it down", "less energy", "take it down", "calm it down", "tone it down"}) {
    EXPECT_EQ(parse(p).energy, Direction::kDown) << p;
  }
  for (const char* p : {"keep the energy", "keep it rolling", "same energy", "hold the energy", "keep it going"}) {
    EXPECT_EQ(parse(p).energy, Direction::kHold) << p;
  }
}

TEST(Intent, VibeAndMoodWords) {
  EXPECT_EQ(parse("darker").vibe.value_or(""), "dark");
  EXPECT_EQ(parse("darker").brightness, -1);
  EXPECT_EQ(parse("something brighter").brightness, 1);
  EXPECT_EQ(parse("more aggressive").vibe.value_or(""), "aggressive");
  EXPECT_EQ(parse("hypnotic").vibe.value_or(""), "hypnotic");
  EXPECT_EQ(parse("euphoric please").vibe.value_or(""), "euphoric");
  EXPECT_EQ(parse("chill").vibe.value_or(""), "chill");
  EXPECT_EQ(parse("nocturnal and driving").moods, (std::vector<std::string>{"nocturnal", "driving"}));
  EXPECT_EQ(parse("nothing dark").avoid_moods, std::vector<std::string>{"dark"});
}

TEST(Intent, Tempo) {
  EXPECT_EQ(parse("faster").tempo, Direction::kUp);
  EXPECT_EQ(parse("slow it down").tempo, Direction::kDown);
  EXPECT_EQ(parse("same tempo").tempo, Direction::kHold);
  EXPECT_EQ(parse("128 BPM").target_bpm.value_or(0), 128.0);
  EXPECT_EQ(parse("around 124bpm").target_bpm.value_or(0), 124.0);
  EXPECT_EQ(parse("+4 bpm").bpm_delta.value_or(0), 4.0);
  EXPECT_EQ(parse("-2 bpm").bpm_delta.value_or(0), -2.0);
  EXPECT_TRUE(parse("not slower").not_slower);
  EXPECT_TRUE(parse("don't go faster").not_faster);
  EXPECT_TRUE(parse("tempo change").tempo_free);
  EXPECT_TRUE(parse("any tempo is fine").tempo_free);
}

TEST(Intent, Key) {
  EXPECT_EQ(parse("").key_rule, KeyRule::kHarmonic);
  EXPECT_EQ(parse("same key").key_rule, KeyRule::kSame);
  EXPECT_EQ(parse("minor key").key_rule, KeyRule::kMinor);
  EXPECT_EQ(parse("harmonic").key_rule, KeyRule::kHarmonic);
  EXPECT_EQ(parse("energy boost").key_rule, KeyRule::kEnergyBoost);
  EXPECT_EQ(parse("any key").key_rule, KeyRule::kAny);
  const Intent k = parse("something in 8A");
  EXPECT_EQ(k.key_rule, KeyRule::kSpecific);
  EXPECT_EQ(k.key->camelot(), "8A");
  EXPECT_EQ(parse("F# minor").key->camelot(), "11A");
  EXPECT_EQ(parse("in 1d").key->camelot(), "8B");
}

TEST(Intent, Vocals) {
  EXPECT_EQ(parse("with vocals").vocals, std::optional<bool>(true));
  EXPECT_EQ(parse("instrumental").vocals, std::optional<bool>(false));
  EXPECT_EQ(parse("no vocals").vocals, std::optional<bool>(false));
  EXPECT_EQ(parse("avoid vocals").vocals, std::optional<bool>(false));
  EXPECT_EQ(parse("without vocals").vocals, std::optional<bool>(false));
  EXPECT_EQ(parse("female vocals").vocal_presence.value_or(""), "female");
  EXPECT_FALSE(parse("darker").vocals.has_value());
}

TEST(Intent, GenreNarrativeSimilarity) {
  EXPECT_EQ(parse("change up the genre").genre_rule, GenreRule::kChange);
  EXPECT_EQ(parse("same genre").genre_rule, GenreRule::kSame);
  const Intent t = parse("more techno");
  EXPECT_EQ(t.genre_rule, GenreRule::kSpecific);
  EXPECT_EQ(t.genre.value_or(""), "techno");
  EXPECT_EQ(parse("some dnb").genre.value_or(""), "drum & bass");
  EXPECT_EQ(parse("deep house").genre.value_or(""), "deep house") << "the longer phrase beats 'deep'";
  EXPECT_EQ(parse("build toward a peak").narrative.value_or(""), "build");
  EXPECT_EQ(parse("build toward a peak").energy, Direction::kUp);
  EXPECT_EQ(parse("peak time").narrative.value_or(""), "peak");
  EXPECT_EQ(parse("warm-up").narrative.value_or(""), "warm-up");
  EXPECT_EQ(parse("closer").narrative.value_or(""), "closer");
  EXPECT_EQ(parse("wind down").narrative.value_or(""), "wind-down");
  EXPECT_EQ(parse("more of the same").similarity, Similarity::kSame);
  EXPECT_EQ(parse("something different").similarity, Similarity::kDifferent);
}

TEST(Intent, CombinationsAndNegation) {
  const Intent a = parse("darker but keep the energy");
  EXPECT_EQ(a.vibe.value_or(""), "dark");
  EXPECT_EQ(a.energy, Direction::kHold);
  const Intent b = parse("more aggressive but same tempo");
  EXPECT_EQ(b.vibe.value_or(""), "aggressive");
  EXPECT_EQ(b.tempo, Direction::kHold);
  const Intent c = parse("faster, brighter, female vocals, no techno");
  EXPECT_EQ(c.tempo, Direction::kUp);
  EXPECT_EQ(c.brightness, 1);
  EXPECT_EQ(c.vocal_presence.value_or(""), "female");
  EXPECT_EQ(c.genre_rule, GenreRule::kChange);
  EXPECT_EQ(c.avoid_moods, std::vector<std::string>{"techno"});
  EXPECT_TRUE(c.unknown.empty());
}

TEST(Intent, UnknownWordsAreListedNotFatal) {
  const Intent u = parse("gimme some wonky flurbs, darker");
  EXPECT_EQ(u.vibe.value_or(""), "dark");
  EXPECT_EQ(u.unknown, (std::vector<std::string>{"wonky", "flurbs"}));
  EXPECT_TRUE(parse("").unknown.empty());
  EXPECT_NO_THROW(parse("\xff\xfe \x01 ### +++ 999999999999999999999 bpm").to_json().dump());
  const auto j = parse("darker").to_json();
  EXPECT_EQ(j["vibe"], "dark");
  EXPECT_EQ(j["understood"][0], "darker");
}

}  // namespace
}  // namespace codex::prompt
