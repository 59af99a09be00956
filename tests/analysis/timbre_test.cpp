// Timbre on synthesised signals with known answers: a voice over a full mix is heard (and its
// register and style told), an instrumental mix of steady pads, bass and drums is not, and the
// band shares, roll-off and onset rates follow what was rendered.
#include "codex/analysis/timbre.h"
#include "codex/analysis/results.h"

#include <gtest/gtest.h>

#include "codex/demo/synth.h"
#include "support/test_util.h"

namespace codex::analysis {
namespace {

nlohmann::json measure(const std::vector<float>& mono) {
  TimbreAnalyzer a;
  AnalyzerOutput out = test::run_mono(a, mono);
  out.values["_flags"] = out.flags;
  return out.values;
}

std::vector<float> mono_of(const demo::TrackSpec& spec) { return test::to_mono(demo::render_track(spec, 22050).samples); }

demo::TrackSpec mix(demo::Voice voice, demo::VocalStyle style, demo::Pattern pattern, double bpm, uint64_t seed) {
  demo::TrackSpec s;
  s.voice = voice;
  s.vocal_style = style;
  s.pattern = pattern;
  s.bpm = bpm;
  s.seconds = 60;
  s.breakdown = false;
  s.seed = seed;
  return s;
}

using demo::Pattern;
using demo::Voice;
using demo::VocalStyle;

TEST(Timbre, SungFemaleVoiceOverAFullMix) {
  for (uint64_t seed : {1, 2}) {
    const auto v = measure(mono_of(mix(Voice::kFemale, VocalStyle::kSinging, Pattern::kFourOnFloor, 124, seed)))["vocals"];
    EXPECT_EQ(v["presence"], "female") << v;
    EXPECT_EQ(v["style"], "singing") << v;
    EXPECT_GT(v["ratio"].get<double>(), 0.3) << v;
    EXPECT_GT(v["f0_median_hz"].get<double>(), 220.0) << v;
  }
}

TEST(Timbre, SungMaleVoiceOverHalfTimeDrums) {
  for (uint64_t seed : {1, 2}) {
    const auto v = measure(mono_of(mix(Voice::kMale, VocalStyle::kSinging, Pattern::kHalfTime, 94, seed)))["vocals"];
    EXPECT_EQ(v["presence"], "male") << v;
    EXPECT_EQ(v["style"], "singing") << v;
    EXPECT_GT(v["vibrato"].get<double>(), 0.4) << v;
    EXPECT_LT(v["f0_median_hz"].get<double>(), 205.0) << v;
  }
}

TEST(Timbre, RapOverABreakbeatIsHeardAsRap) {
  for (uint64_t seed : {1, 2, 3}) {
    for (Voice voice : {Voice::kMale, Voice::kFemale}) {
      const auto v = measure(mono_of(mix(voice, VocalStyle::kRap, Pattern::kBreakbeat, 90, seed)))["vocals"];
      EXPECT_EQ(v["presence"], voice == Voice::kMale ? "male" : "female") << v;
      EXPECT_EQ(v["style"], "rap") << v;
      EXPECT_LT(v["vibrato"].get<double>(), 0.3) << v;
    }
  }
}

TEST(Timbre, InstrumentalMixesHaveNoVoice) {
  for (Pattern p : {Pattern::kFourOnFloor, Pattern::kBreakbeat, Pattern::kHalfTime, Pattern::kNone}) {
    for (uint64_t seed : {1, 2, 3}) {
      const auto v = measure(mono_of(mix(Voice::kNone, VocalStyle::kSinging, p, 120, seed)))["vocals"];
      EXPECT_EQ(v["presence"], "instrumental") << demo::pattern_name(p) << " seed " << seed << " " << v;
      EXPECT_EQ(v["style"], "none");
      EXPECT_LT(v["ratio"].get<double>(), 0.05);
    }
  }
  demo::Rng rng(5);
  std::vector<float> noise(22050 * 20);
  for (auto& x : noise) x = 0.2f * rng.noise();
  EXPECT_EQ(measure(noise)["vocals"]["presence"], "instrumental");
}

TEST(Timbre, SilenceIsFlaggedAndNamesNothing) {
  const auto t = measure(std::vector<float>(22050 * 10, 0.0f));
  EXPECT_EQ(t["_flags"], nlohmann::json::array({"silent"}));
  EXPECT_TRUE(t["vocals"]["presence"].is_null());
}

TEST(Timbre, HalfASecondOfLoudNoiseIsNotSilent) {
  demo::Rng rng(7);
  std::vector<float> noise(22050 / 2);
  for (auto& x : noise) x = 0.8f * rng.noise();
  const auto t = measure(noise);
  EXPECT_FALSE(t.contains("_flags") && t["_flags"] == nlohmann::json::array({"silent"})) << t;
}

TEST(Timbre, BandSharesRolloffAndOnsetsFollowTheSignal) {
  const auto low = measure(demo::render_sine(100.0, 0.3, 10.0, 22050));
  EXPECT_GT(low["band_share"]["bass"].get<double>(), 0.95) << low;
  EXPECT_LT(low["rolloff_hz"].get<double>(), 200.0);
  EXPECT_LT(measure(demo::render_sine(1000.0, 0.3, 10.0, 22050))["flatness"].get<double>(), 0.05);

  demo::Rng rng(3);
  std::vector<float> noise(22050 * 10);
  for (auto& x : noise) x = 0.2f * rng.noise();
  const auto white = measure(noise);
  EXPECT_GT(white["flatness"].get<double>(), 0.5) << white;
  EXPECT_GT(white["rolloff_hz"].get<double>(), 9000.0);
  EXPECT_GT(white["band_share"]["high"].get<double>(), 0.35);

  // Harmonics up to 3 kHz only: a band-limited recording.
  std::vector<float> dull(22050 * 10, 0.0f);
  for (int h = 1; h <= 15; ++h) {
    const auto tone = demo::render_sine(200.0 * h, 0.2 / h, 10.0, 22050);
    for (size_t i = 0; i < dull.size(); ++i) dull[i] += tone[i];
  }
  const auto limited = measure(dull);
  EXPECT_LT(limited["bandwidth_hz"].get<double>(), 3500.0) << limited;
  EXPECT_GT(limited["bandwidth_hz"].get<double>(), 2900.0) << limited;
  EXPECT_GT(white["bandwidth_hz"].get<double>(), 10500.0);

  // A 120 BPM click track: about two kick-band onsets per second, no voice.
  const auto clicks = measure(demo::render_clicks(120, 20.0, 22050));
  EXPECT_NEAR(clicks["onset_rate_hz"]["kick"].get<double>(), 2.0, 0.3) << clicks;
  EXPECT_GT(clicks["crest_db"].get<double>(), 12.0);
}

// The typed reader (results.h) sees every key the analyzer writes: read back, each field equals
// what was written (a renamed key would read 0 or "none" and fail here).
TEST(Timbre, TheTypedReaderReadsWhatTheAnalyzerWrites) {
  const auto v = measure(mono_of(mix(Voice::kMale, VocalStyle::kRap, Pattern::kBreakbeat, 92, 1)));
  const auto r = read_results({{"timbre", v}});
  ASSERT_TRUE(r.timbre.has_value()) << v;
  const Timbre& t = *r.timbre;
  EXPECT_EQ(t.sub, v.at("band_share").at("sub").get<double>());
  EXPECT_EQ(t.bass, v.at("band_share").at("bass").get<double>());
  EXPECT_EQ(t.low_mid, v.at("band_share").at("low_mid").get<double>());
  EXPECT_EQ(t.mid, v.at("band_share").at("mid").get<double>());
  EXPECT_EQ(t.high_mid, v.at("band_share").at("high_mid").get<double>());
  EXPECT_EQ(t.high, v.at("band_share").at("high").get<double>());
  EXPECT_GT(t.sub + t.bass + t.low_mid + t.mid + t.high_mid + t.high, 0.9);
  EXPECT_EQ(t.kick_hz, v.at("onset_rate_hz").at("kick").get<double>());
  EXPECT_EQ(t.snare_hz, v.at("onset_rate_hz").at("snare").get<double>());
  EXPECT_EQ(t.hat_hz, v.at("onset_rate_hz").at("hat").get<double>());
  EXPECT_GT(t.kick_hz + t.snare_hz + t.hat_hz, 0.5);
  EXPECT_EQ(t.stable_partial_share, v.at("stable_partial_share").get<double>());
  EXPECT_EQ(t.rolloff_spread_oct, v.at("rolloff_spread_oct").get<double>());
  EXPECT_EQ(t.flatness, v.at("flatness").get<double>());
  EXPECT_EQ(t.crest_db, v.at("crest_db").get<double>());
  EXPECT_EQ(t.bandwidth_hz, v.at("bandwidth_hz").get<double>());
  EXPECT_GT(t.bandwidth_hz, 1000.0);
  EXPECT_EQ(t.vocal_presence.value_or(""), v.at("vocals").at("presence").get<std::string>());
  EXPECT_EQ(t.vocal_style, v.at("vocals").at("style").get<std::string>());
  EXPECT_EQ(t.vocal_style, "rap");
  EXPECT_EQ(t.vocal_confidence, v.at("vocals").at("confidence").get<double>());

  // Values of the wrong type read as absent, never throw; no band shares = no timbre analysis.
  const auto odd = read_results({{"timbre", {{"band_share", "x"}, {"crest_db", "loud"},
                                             {"vocals", {{"presence", 3}, {"style", nullptr}, {"confidence", "high"}}}}}});
  ASSERT_TRUE(odd.timbre.has_value());
  EXPECT_EQ(odd.timbre->bass, 0.0);
  EXPECT_EQ(odd.timbre->crest_db, 0.0);
  EXPECT_FALSE(odd.timbre->vocal_presence.has_value());
  EXPECT_EQ(odd.timbre->vocal_style, "none");
  EXPECT_EQ(odd.timbre->vocal_confidence, 0.3);
  EXPECT_FALSE(read_results({{"timbre", {{"flatness", 0.2}}}}).timbre.has_value());
  EXPECT_FALSE(read_results(nlohmann::json::object()).timbre.has_value());
}

TEST(Timbre, VocalCallRules) {
  VocalEvidence e;
  EXPECT_STREQ(call_vocals(e).presence, "instrumental");
  e.ratio = 0.4;
  e.f0_median_hz = 290;
  e.steadiness = 0.9;
  e.vibrato = 0.5;
  VocalCall c = call_vocals(e);
  EXPECT_STREQ(c.presence, "female");
  EXPECT_STREQ(c.style, "singing");
  e.f0_median_hz = 150;
  EXPECT_STREQ(call_vocals(e).presence, "male");
  e.steadiness = 0.4;
  e.vibrato = 0.15;
  e.f0_median_hz = 180;  // between the registers: a voice, register unknown
  c = call_vocals(e);
  EXPECT_STREQ(c.style, "rap");
  EXPECT_STREQ(c.presence, "voice");
  e.f0_median_hz = 215;  // a high speaking voice reads female
  EXPECT_STREQ(call_vocals(e).presence, "female");
  e.ratio = 0.2;  // rapped syllables: no instrument moves its partials like that
  EXPECT_STREQ(call_vocals(e).presence, "female");
  e.steadiness = 0.9;  // but a fifth of the frames holding a pitch is what guitars do too
  EXPECT_STREQ(call_vocals(e).presence, "unknown");
  e.ratio = 0.05;
  EXPECT_STREQ(call_vocals(e).presence, "instrumental");
  e.ratio = 0.4;
  e.steadiness = 0.4;
  e.f0_median_hz = 180;
  e.vibrato = 0.34;
  EXPECT_STREQ(call_vocals(e).style, "both");
  e.vibrato = 0.1;
  e.steadiness = 0.8;  // held notes without vibrato are still sung
  EXPECT_STREQ(call_vocals(e).style, "singing");
  EXPECT_LE(c.confidence, 0.55) << "a guess from pitch alone stays a guess";
}

}  // namespace
}  // namespace codex::analysis
