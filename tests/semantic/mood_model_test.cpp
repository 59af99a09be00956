#include "codex/semantic/mood_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace codex::semantic {
namespace {

nlohmann::json builtin_json() { return nlohmann::json::parse(std::string(MoodModel::builtin_text())); }

std::vector<float> mean_plus(const nlohmann::json& j, const char* head, double k) {
  std::vector<float> v(90);
  for (size_t i = 0; i < 90; ++i) {
    v[i] = static_cast<float>(j["mean"][i].get<double>() + k * j["scale"][i].get<double>() * j[head]["weights"][i].get<double>());
  }
  return v;
}

TEST(MoodModel, TheBuiltInModelLoadsAndCarriesItsCard) {
  const auto j = builtin_json();
  EXPECT_EQ(j["format"], "codex-mood-model");
  EXPECT_TRUE(j.contains("cross_validated")) << "the figures of the model card travel with the weights";
  auto m = MoodModel::parse(MoodModel::builtin_text());
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->dims(), 90);
  EXPECT_EQ(m->id(), MoodModel::builtin().id());
  EXPECT_EQ(m->id().rfind("mood-", 0), 0u);
}

TEST(MoodModel, ReadsAreBoundedAndFollowTheHeads) {
  const auto j = builtin_json();
  const MoodModel& m = MoodModel::builtin();
  double last = -2.0;
  for (double k : {-4.0, -2.0, 0.0, 2.0, 4.0}) {
    const MoodEstimate e = m.read(mean_plus(j, "arousal", k).data());
    EXPECT_GT(e.arousal, last) << "arousal grows along its head's weights";
    last = e.arousal;
    EXPECT_GE(e.valence, -1.0);
    EXPECT_LE(e.valence, 1.0);
    EXPECT_GE(e.confidence, 0.0);
    EXPECT_LE(e.confidence, 1.0);
  }
  // The excited side reads valence with the excited head: along it, valence rises.
  std::vector<float> up = mean_plus(j, "arousal", 4.0), happier = up;
  for (size_t i = 0; i < 90; ++i) {
    happier[i] += static_cast<float>(2.0 * j["scale"][i].get<double>() * j["valence_high"]["weights"][i].get<double>());
  }
  EXPECT_GT(m.read(happier.data()).valence, m.read(up.data()).valence);
  // A value that is not finite counts as the mean; a wild one is clamped.
  std::vector<float> odd = mean_plus(j, "arousal", 0.0);
  const MoodEstimate plain = m.read(odd.data());
  odd[3] = std::nanf("");
  EXPECT_NEAR(m.read(odd.data()).arousal, plain.arousal, 1e-4);
  odd[3] = 1e30f;
  EXPECT_TRUE(std::isfinite(m.read(odd.data()).arousal));
}

TEST(MoodModel, MalformedFilesAreRefusedWithOneLine) {
  const auto good = builtin_json();
  auto refused = [](const std::string& text) {
    auto m = MoodModel::parse(text);
    if (m.ok()) return std::string("accepted");
    EXPECT_EQ(m.status().message().find('\n'), std::string::npos);
    return m.status().message();
  };
  EXPECT_NE(refused(""), "accepted");
  EXPECT_NE(refused("{not json"), "accepted");
  EXPECT_NE(refused("[]"), "accepted");
  auto with = [&](auto change) {
    nlohmann::json j = good;
    change(j);
    return refused(j.dump());
  };
  EXPECT_NE(with([](auto& j) { j["format"] = "codex-rank-weights"; }), "accepted");
  EXPECT_NE(with([](auto& j) { j["format"] = 1; }), "accepted") << "a field of the wrong type is an error, not a throw";
  EXPECT_NE(with([](auto& j) { j["input"] = nlohmann::json::array(); }), "accepted");
  EXPECT_NE(with([](auto& j) { j["arousal"] = 3; }), "accepted");
  EXPECT_NE(with([](auto& j) { j["version"] = 2; }), "accepted");
  EXPECT_NE(with([](auto& j) { j["version"] = "1"; }), "accepted");
  EXPECT_NE(with([](auto& j) { j["input"] = "mfcc"; }), "accepted");
  EXPECT_NE(with([](auto& j) { j["dims"] = 89; }), "accepted");
  EXPECT_NE(with([](auto& j) { j["mean"].erase(0); }), "accepted");
  EXPECT_NE(with([](auto& j) { j["scale"][5] = 0.0; }), "accepted");
  EXPECT_NE(with([](auto& j) { j["scale"][5] = -1.0; }), "accepted");
  EXPECT_NE(with([](auto& j) { j["mean"][7] = "NaN"; }), "accepted");
  EXPECT_NE(with([](auto& j) { j.erase("valence_low"); }), "accepted");
  EXPECT_NE(with([](auto& j) { j["arousal"]["weights"].push_back(1.0); }), "accepted");
  EXPECT_NE(with([](auto& j) { j["valence_high"].erase("bias"); }), "accepted");
  EXPECT_NE(with([](auto& j) { j["valence_high"]["bias"] = nullptr; }), "accepted");
  EXPECT_EQ(with([](auto& j) { j["note"] = "extra fields are fine"; }), "accepted");
  // Another model has another id.
  nlohmann::json other = good;
  other["arousal"]["bias"] = other["arousal"]["bias"].get<double>() + 0.5;
  EXPECT_NE(MoodModel::parse(other.dump())->id(), MoodModel::builtin().id());
}

}  // namespace
}  // namespace codex::semantic
