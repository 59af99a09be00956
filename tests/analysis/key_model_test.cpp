// The learned key model: its file is checked when parsed, it reads transposed music as the
// transposed key, and the analyzer falls back to the profiles when it is switched off.
#include "codex/analysis/key_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "codex/analysis/chroma.h"

namespace codex::analysis {
namespace {

constexpr int kSemis = ChromaExtractor::kSemitones;

// Frames of pitch energy where the given MIDI notes sound (tonal and raw alike), 40 frames.
std::pair<std::vector<float>, std::vector<float>> notes(const std::vector<int>& midi, size_t frames = 40) {
  std::vector<float> tonal(frames * kSemis, 0.0f), raw(frames * kSemis, 1e-4f);
  for (size_t f = 0; f < frames; ++f) {
    for (int m : midi) {
      const int s = m - ChromaExtractor::kLowMidi;
      if (s < 0 || s >= kSemis) continue;
      tonal[f * kSemis + static_cast<size_t>(s)] = 1.0f;
      raw[f * kSemis + static_cast<size_t>(s)] = 1.0f;
    }
  }
  return {tonal, raw};
}

int best_of(const KeyModel::Scores& s) {
  int best = 0;
  for (int i = 1; i < KeyModel::kKeys; ++i) {
    if (s.log_prob[static_cast<size_t>(i)] > s.log_prob[static_cast<size_t>(best)]) best = i;
  }
  return best;
}

TEST(KeyModel, TheBuiltInModelParses) {
  const KeyModel& m = KeyModel::builtin();
  EXPECT_EQ(m.id().rfind("key-", 0), 0u) << m.id();
}

TEST(KeyModel, AMalformedFileIsRefusedWithAReason) {
  const std::string head = R"({"format":"codex-key-mlp 1","low_midi":33,"semitones":64,"bands":6,"window_frames":32,"hop_frames":16,"hidden":1,"members":)";
  std::string w1 = "[";
  for (int i = 0; i < 144; ++i) w1 += std::string(i ? "," : "") + "[0.5]";
  w1 += "]";
  const std::string member = R"({"b1":[0],"w2":[[1,2]],"b2":[0,0],"w1":)" + w1 + "}";
  // The smallest well-formed model (144 inputs, one hidden unit, one member) parses.
  ASSERT_TRUE(KeyModel::parse(head + "[" + member + "]}").ok());
  // Without `expected_minor_share`, the share of minor keys it learned from is taken back out of every window: a model that
  // learned from 90% minor windows gives minor keys log(0.5/0.9) and major keys log(0.5/0.1) more
  // than the same weights trained on an even set.
  {
    const auto even = KeyModel::parse(head + "[" + member + "]}");
    const auto skewed = KeyModel::parse(head + "[" + member + R"(],"minor_share":0.9})");
    ASSERT_TRUE(even.ok() && skewed.ok());
    EXPECT_NE(even->id(), skewed->id());
    const auto [t, r] = notes({57, 60, 64}, 40);
    const KeyModel::Scores a = even->score(t, r, 40), b = skewed->score(t, r, 40);
    ASSERT_EQ(a.windows, 1);
    EXPECT_NEAR(b.log_prob[1] - a.log_prob[1], std::log(0.5 / 0.9), 1e-9);
    EXPECT_NEAR(b.log_prob[0] - a.log_prob[0], std::log(0.5 / 0.1), 1e-9);
    // A file that expects the music it reads to be 70% minor moves the prior there instead; one
    // that expects what it learned from keeps the weights' own prior.
    const auto moved = KeyModel::parse(head + "[" + member + R"(],"minor_share":0.9,"expected_minor_share":0.7})");
    const auto kept = KeyModel::parse(head + "[" + member + R"(],"minor_share":0.9,"expected_minor_share":0.9})");
    ASSERT_TRUE(moved.ok() && kept.ok());
    EXPECT_NE(moved->id(), skewed->id());
    const KeyModel::Scores c = moved->score(t, r, 40), d = kept->score(t, r, 40);
    EXPECT_NEAR(c.log_prob[1] - a.log_prob[1], std::log(0.7 / 0.9), 1e-9);
    EXPECT_NEAR(c.log_prob[0] - a.log_prob[0], std::log(0.3 / 0.1), 1e-9);
    for (size_t i = 0; i < 24; ++i) EXPECT_NEAR(d.log_prob[i], a.log_prob[i], 1e-9);
  }
  // (JSON has no NaN or infinity; a string, or a weight too large to be trained, is refused.)
  std::string nan_member = member;
  nan_member.replace(nan_member.find("0.5"), 3, "\"x\"");
  std::string huge_member = member;
  huge_member.replace(huge_member.find("0.5"), 3, "1e7");
  std::string transposed = member;
  transposed.replace(transposed.find("\"w2\":[[1,2]]"), 12, "\"w2\":[[1],[2]]");
  std::string short_member = member;
  short_member.replace(short_member.find("[0.5],"), 6, "");
  for (const std::string& text :
       {std::string(""), std::string("not json"), std::string("[]"), std::string(R"({"format":"codex-mood-model"})"),
        std::string(R"({"format":"codex-key-mlp 1"})"), head + "[]}", head + "[" + nan_member + "]}",
        head + "[" + short_member + "]}", head + "[" + huge_member + "]}", head + "[" + transposed + "]}", head + "[" + member + R"(],"minor_share":1})",
        head + "[" + member + R"(],"minor_share":"most"})", head + "[" + member + R"(],"expected_minor_share":0})",
        head + "[" + member + R"(],"expected_minor_share":[0.5]})", head + R"([{"w1":[],"b1":[0],"w2":[[1,2]],"b2":[0,0]}]})",
        std::string(R"({"format":"codex-key-mlp 1","low_midi":33,"semitones":64,"bands":5,"window_frames":32,"hop_frames":16,"hidden":1,"members":[)") + member + "]}",
        std::string(R"({"format":"codex-key-mlp 1","low_midi":33,"semitones":64,"bands":6,"window_frames":0,"hop_frames":16,"hidden":1,"members":[)") + member + "]}"}) {
    auto m = KeyModel::parse(text);
    EXPECT_FALSE(m.ok()) << text.substr(0, 200);
    if (!m.ok()) {
      EXPECT_FALSE(m.status().message().empty());
    }
  }
}

TEST(KeyModel, ItComputesWhatItsTrainerComputes) {
  // bench/key_learn.py --fixture wrote a fixed input and what the model file must give for it in
  // numpy (windows, fold, rotation, members, the prior): the C++ must agree to rounding.
  std::ifstream in(CODEX_KEY_FIXTURE);
  ASSERT_TRUE(in) << CODEX_KEY_FIXTURE;
  std::stringstream text;
  text << in.rdbuf();
  const auto fx = nlohmann::json::parse(text.str());
  const auto frames = fx["frames"].get<size_t>();
  const auto tonal = fx["tonal"].get<std::vector<float>>(), raw = fx["raw"].get<std::vector<float>>();
  const auto expected = fx["expected"].get<std::vector<double>>();
  ASSERT_EQ(expected.size(), 24u);
  const KeyModel::Scores s = KeyModel::builtin().score(tonal, raw, frames);
  EXPECT_EQ(s.windows, fx["windows"].get<int>());
  for (size_t i = 0; i < 24; ++i) EXPECT_NEAR(s.log_prob[i], expected[i], 1e-3 + 1e-5 * std::fabs(expected[i])) << i;
}

TEST(KeyModel, TransposedMusicReadsAsTheTransposedKey) {
  // A minor (A2 bass, A C E triad and the scale's G and D above) and the same moved up a tone and
  // a fourth: the model's best key moves with it (its weights are shared by the twelve tonics).
  const std::vector<int> a_minor = {45, 57, 60, 64, 69, 72, 76, 67, 74};
  const KeyModel& m = KeyModel::builtin();
  const auto [t0, r0] = notes(a_minor);
  const KeyModel::Scores s0 = m.score(t0, r0, 40);
  ASSERT_GT(s0.windows, 0);
  const int base = best_of(s0);
  for (int shift : {2, 5, -3}) {
    std::vector<int> moved;
    for (int n : a_minor) moved.push_back(n + shift);
    const auto [t, r] = notes(moved);
    const int best = best_of(m.score(t, r, 40));
    EXPECT_EQ(best % 2, base % 2) << shift;
    EXPECT_EQ((best / 2 - base / 2 + 24) % 12, (shift + 24) % 12) << shift;
  }
}

TEST(KeyModel, WindowsCoverTheTrackAndNothingIsReadOfNoFrames) {
  const KeyModel& m = KeyModel::builtin();
  const auto [t, r] = notes({57, 60, 64}, 100);
  EXPECT_EQ(m.score(t, r, 100).windows, 1 + (100 - 32) / 16);
  EXPECT_EQ(m.score(t, r, 10).windows, 1);  // shorter than a window: one short window
  const KeyModel::Scores none = m.score({}, {}, 0);
  EXPECT_EQ(none.windows, 0);
  EXPECT_TRUE(std::isinf(none.log_prob[0]));
}

}  // namespace
}  // namespace codex::analysis
