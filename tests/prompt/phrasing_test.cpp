// The phrasing suite (tests/support/phrasings.h): every phrasing of the tuning two thirds is
// understood as meant; the held-out third is reported by bench/phrasing_eval.cpp and held here only
// to a floor well below its measured figure, so a regression shows without tuning on it.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "codex/prompt/lexicon.h"
#include "support/phrasings.h"

namespace codex::prompt {
namespace {

TEST(Phrasings, TheSuiteIsWhole) {
  const auto suite = testing::load_phrasings(CODEX_PHRASINGS);
  ASSERT_GE(suite.size(), 13u * 25u);
  std::map<std::string, int> per;
  for (const auto& p : suite) per[p.category]++;
  for (const char* c : {"energy_up", "energy_down", "calmer", "sadder", "happier", "aggressive", "chill", "hypnotic",
                        "euphoric", "intensity", "negation", "slang_typos", "combined"}) {
    EXPECT_GE(per[c], 25) << c;
  }
}

TEST(Phrasings, TheTuningTwoThirdsAreUnderstoodAsMeant) {
  ASSERT_TRUE(wordnet_available()) << "WordNet's database (wordnet-base) is installed by scripts/setup.sh";
  int ok = 0, n = 0, held_ok = 0, held_n = 0;
  for (const auto& p : testing::load_phrasings(CODEX_PHRASINGS)) {
    const std::string wrong = testing::misread(parse_intent(p.text), p.expect);
    if (p.held_out) {
      held_ok += wrong.empty(), ++held_n;
      continue;
    }
    EXPECT_EQ(wrong, "") << '"' << p.text << "\" (" << p.category << ")";
    ok += wrong.empty(), ++n;
  }
  EXPECT_GE(static_cast<double>(ok) / n, 0.99);
  EXPECT_GE(static_cast<double>(held_ok) / held_n, 0.7) << "the held-out third fell well below its measured 0.82";
}

TEST(Lexicon, WordListsFormsWordNetAndSlips) {
  ASSERT_TRUE(wordnet_available());
  auto mood = [](const std::string& w) {
    const auto r = read_mood_word(w);
    return r ? std::string(mood_class_name(r->mood)) + " | " + r->via : std::string("-");
  };
  EXPECT_EQ(mood("calmer"), "calm | word form of calm");
  EXPECT_EQ(mood("sadder"), "sad | word form of sad");
  EXPECT_EQ(mood("gloomier"), "sad | word form of gloomy");
  EXPECT_EQ(mood("deeper"), "hypnotic | word form of deep") << "DJ usage, not WordNet's";
  EXPECT_EQ(mood("table"), "-");
  EXPECT_EQ(mood("the"), "-");
  // Words in no list, read through WordNet's links.
  const auto dolorous = read_mood_word("dolorous");
  ASSERT_TRUE(dolorous.has_value());
  EXPECT_EQ(dolorous->mood, MoodClass::kSad);
  EXPECT_EQ(dolorous->via.rfind("WordNet", 0), 0u) << dolorous->via;
  EXPECT_FALSE(read_mood_word("dolorous", false).has_value()) << "without WordNet the word is unknown";
  // Slips: one edit from one known word; a real word is never "corrected".
  const std::set<std::string> dict = {"calmer", "calm", "darker", "dark", "happier", "energy", "more"};
  EXPECT_EQ(correct_spelling("calmr", dict).value_or("-"), "calmer");
  EXPECT_EQ(correct_spelling("mroe", dict).value_or("-"), "more") << "a transposition is one edit";
  EXPECT_EQ(correct_spelling("darkr", dict).value_or("-"), "darker") << "dark and darker tie: one mood";
  EXPECT_EQ(correct_spelling("calm", dict).value_or("-"), "-");
  EXPECT_EQ(correct_spelling("xyzzy", dict).value_or("-"), "-");
  EXPECT_EQ(correct_spelling("abc", dict).value_or("-"), "-") << "too short to tell";
  EXPECT_DOUBLE_EQ(strength_of("slightly"), 0.5);
  EXPECT_DOUBLE_EQ(strength_of("massively"), 2.0);
  EXPECT_DOUBLE_EQ(strength_of("techno"), 0.0);
}

TEST(Lexicon, TheLearnedFallbackReadsWordsFromTheirLetters) {
  auto learned = [](const std::string& w) {
    const auto r = learned_mood_word(w);
    return r ? std::string(mood_class_name(r->mood)) : std::string("-");
  };
  EXPECT_EQ(learned("chillax"), "chill");
  EXPECT_EQ(learned("melancholical"), "sad");
  EXPECT_EQ(learned("hypnotically"), "hypnotic");
  EXPECT_EQ(learned("qqqq"), "-") << "letters it never saw say nothing";
  EXPECT_EQ(learned("table"), "-");
  EXPECT_EQ(learned("abc"), "-") << "too short";
  ASSERT_TRUE(learned_mood_word("chillax").has_value());
  EXPECT_EQ(learned_mood_word("chillax")->via.rfind("learned from DJ phrasings", 0), 0u);
  // In a prompt it only fills what nothing else said, and a negation still reaches the next word.
  const Intent i = parse_intent("something chillax");
  EXPECT_EQ(i.vibe.value_or(""), "chill");
  EXPECT_TRUE(i.unknown.empty());
  const Intent n = parse_intent("no cheesy euphoric anthems");
  EXPECT_NE(std::find(n.avoid_moods.begin(), n.avoid_moods.end(), "euphoric"), n.avoid_moods.end());
}

TEST(Intent, MoodMovesStrengthNegationAndExplanations) {
  const Intent calmer = parse_intent("a touch calmer");
  EXPECT_EQ(calmer.arousal, Direction::kDown);
  EXPECT_EQ(calmer.strength, 0.5);
  EXPECT_TRUE(calmer.unknown.empty());
  const Intent sad = parse_intent("way more melancholic");
  EXPECT_EQ(sad.valence, Direction::kDown);
  EXPECT_EQ(sad.strength, 2.0);
  ASSERT_FALSE(sad.senses.empty());
  EXPECT_EQ(sad.senses[0].word, "melancholic");
  EXPECT_EQ(sad.senses[0].meaning, "sadder");
  const Intent not_dark = parse_intent("not too dark");
  EXPECT_EQ(not_dark.avoid_moods, std::vector<std::string>{"dark"});
  EXPECT_EQ(not_dark.valence, Direction::kNone);
  EXPECT_EQ(parse_intent("don't lose the energy").arousal, Direction::kHold);
  EXPECT_EQ(parse_intent("sadder but keep the energy").valence, Direction::kDown);
  EXPECT_EQ(parse_intent("sadder but keep the energy").arousal, Direction::kHold);
  const Intent typo = parse_intent("calmr pls");
  EXPECT_EQ(typo.arousal, Direction::kDown);
  ASSERT_FALSE(typo.senses.empty());
  EXPECT_EQ(typo.senses[0].via, "spelling of calmer");
  EXPECT_TRUE(typo.unknown.empty());
  const Intent happy = parse_intent("happier");
  EXPECT_EQ(happy.valence, Direction::kUp);
  EXPECT_FALSE(happy.vibe.has_value()) << "happier is a valence move, not the bright vibe";
  const Intent lot = parse_intent("less driving");
  EXPECT_EQ(lot.arousal, Direction::kDown);
  EXPECT_FALSE(parse_intent("energy to 80%").target_bpm.has_value()) << "a percentage is no tempo";
  EXPECT_FALSE(parse_intent("not 140").target_bpm.has_value());
  EXPECT_EQ(parse_intent("around 126").target_bpm.value_or(0), 126.0);
  EXPECT_TRUE(wordnet_knows("laid-back")) << "WordNet keeps hyphens";
  EXPECT_TRUE(wordnet_knows("melancholy"));
  EXPECT_FALSE(wordnet_knows("flibbertigibbetz"));
  EXPECT_FALSE(read_mood_word("hardly").has_value() && read_mood_word("hardly")->via == "word form of hard");
  // "not understood" only when every path fails.
  const Intent odd = parse_intent("something flibbertigibbet");
  EXPECT_EQ(odd.unknown, std::vector<std::string>{"flibbertigibbet"});
  const auto j = parse_intent("more wistful").to_json();
  EXPECT_EQ(j["valence"], "down");
  EXPECT_EQ(j["senses"][0]["word"], "wistful");
}

}  // namespace
}  // namespace codex::prompt
