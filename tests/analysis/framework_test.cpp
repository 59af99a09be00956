// The analyzer framework: declared parameters, stamps, one pass feeding several analyzers, flags.
#include <gtest/gtest.h>

#include <set>

#include "codex/analysis/duration.h"
#include "codex/analysis/params.h"
#include "codex/analysis/pass.h"
#include "codex/demo/synth.h"
#include "support/test_util.h"

namespace codex::analysis {
namespace {

TEST(Params, RangeCheckedAndHashed) {
  ParamSet p({{"a", "first", 0.0, 10.0, 5.0}, {"b", "second", -1.0, 1.0, 0.0}});
  const std::string h0 = p.hash();
  EXPECT_EQ(h0.size(), 16u);
  EXPECT_FALSE(p.set("a", 11.0).ok());
  EXPECT_FALSE(p.set("c", 1.0).ok());
  EXPECT_EQ(p.hash(), h0);
  ASSERT_TRUE(p.set("a", 6.0).ok());
  EXPECT_EQ(p.get("a"), 6.0);
  EXPECT_NE(p.hash(), h0);
  ASSERT_TRUE(p.set("a", 5.0).ok());
  EXPECT_EQ(p.hash(), h0);
}

TEST(Registry, DefaultAnalyzersHaveUniqueIdsVersionsAndValidDefaults) {
  auto v = default_analyzers();
  ASSERT_GE(v.size(), 3u);
  std::set<std::string> ids;
  for (const auto& a : v) {
    EXPECT_TRUE(ids.insert(std::string(a->id())).second) << a->id();
    EXPECT_GE(a->version(), 1);
    for (const auto& spec : a->params().specs()) {
      EXPECT_FALSE(spec.description.empty()) << a->id() << "." << spec.name;
      EXPECT_LE(spec.min_value, spec.default_value);
      EXPECT_GE(spec.max_value, spec.default_value);
    }
  }
  const auto stamps = stamps_of(v);
  EXPECT_EQ(stamps.size(), v.size());
}

TEST(Pass, OneDecodeFeedsEveryAnalyzer) {
  test::TempDir dir;
  test::write_audio(dir.file("t.flac"), test::to_stereo(demo::render_clicks(128, 12.0, 44100)), 2, 44100,
                    audio::Format::kFlac, {{"title", "Clicks"}});
  auto analyzers = default_analyzers();
  double last_progress = 0.0;
  PassOptions opt;
  opt.progress = [&](double s) {
    EXPECT_GE(s, last_progress);
    last_progress = s;
    return true;
  };
  auto r = analyze_file(dir.file("t.flac"), analyzers, opt);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->results.size(), analyzers.size());
  EXPECT_NEAR(last_progress, 12.0, 0.2);
  EXPECT_EQ(r->info.tags.at("title"), "Clicks");
  EXPECT_NEAR(r->results[0].output.values["duration_s"].get<double>(), 12.0, 1e-3);
  EXPECT_TRUE(r->flags.empty());
}

TEST(Pass, ShortAndSilentAreFlaggedNotFailed) {
  test::TempDir dir;
  test::write_audio(dir.file("short.wav"), demo::render_sine(440, 0.5, 0.5, 44100), 1, 44100);
  test::write_audio(dir.file("silent.wav"), std::vector<float>(44100 * 6, 0.0f), 1, 44100);
  auto analyzers = default_analyzers();
  auto s = analyze_file(dir.file("short.wav"), analyzers);
  ASSERT_TRUE(s.ok());
  EXPECT_NE(std::find(s->flags.begin(), s->flags.end(), "short"), s->flags.end());
  auto q = analyze_file(dir.file("silent.wav"), analyzers);
  ASSERT_TRUE(q.ok());
  EXPECT_NE(std::find(q->flags.begin(), q->flags.end(), "silent"), q->flags.end());
}

TEST(Pass, CancelFlagStopsTheRun) {
  test::TempDir dir;
  test::write_audio(dir.file("t.wav"), demo::render_sine(440, 0.5, 10.0, 44100), 1, 44100);
  auto analyzers = default_analyzers();
  std::atomic<bool> cancel{true};
  PassOptions opt;
  opt.cancel = &cancel;
  auto r = analyze_file(dir.file("t.wav"), analyzers, opt);
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace codex::analysis

#include "codex/analysis/energy.h"
#include "codex/analysis/shared_stft.h"
#include "codex/analysis/timbre.h"
#include "codex/demo/synth.h"

namespace codex::analysis {
namespace {

std::vector<AnalyzerOutput> run_blocks(std::vector<std::unique_ptr<Analyzer>>& set, const std::vector<float>& mono) {
  for (auto& a : set) EXPECT_TRUE(a->start({22050, 22050, 1}).ok());
  // The pass's block size, and a buffer reused for every block (as the decoder does).
  std::vector<float> buf(4096);
  for (size_t i = 0; i < mono.size(); i += buf.size()) {
    const size_t n = std::min(buf.size(), mono.size() - i);
    std::copy(mono.begin() + static_cast<std::ptrdiff_t>(i), mono.begin() + static_cast<std::ptrdiff_t>(i + n), buf.begin());
    audio::AudioBlock b;
    b.mono = buf.data();
    b.mono_frames = static_cast<int64_t>(n);
    b.mono_offset = static_cast<int64_t>(i);
    for (auto& a : set) a->process(b);
  }
  std::vector<AnalyzerOutput> out;
  for (auto& a : set) out.push_back(a->finish());
  return out;
}

TEST(SharedStft, SharedFramesGiveTheSameResultsAsPrivateOnes) {
  demo::TrackSpec spec;
  spec.seconds = 30;
  spec.voice = demo::Voice::kFemale;
  const std::vector<float> mono = test::to_mono(demo::render_track(spec, 22050).samples);

  auto stft = std::make_shared<SharedStft>(2048, 1024);
  std::vector<std::unique_ptr<Analyzer>> shared, own, timbre_alone;
  shared.push_back(std::make_unique<EnergyAnalyzer>(stft));
  shared.push_back(std::make_unique<TimbreAnalyzer>(stft));
  own.push_back(std::make_unique<EnergyAnalyzer>());
  own.push_back(std::make_unique<TimbreAnalyzer>());
  // A consumer whose partner never runs still gets every frame.
  auto lonely = std::make_shared<SharedStft>(2048, 1024);
  lonely->add_consumer();  // a partner that never calls
  timbre_alone.push_back(std::make_unique<TimbreAnalyzer>(lonely));

  for (int run = 0; run < 2; ++run) {  // and again: start() resets the stream
    const auto a = run_blocks(shared, mono), b = run_blocks(own, mono), c = run_blocks(timbre_alone, mono);
    EXPECT_EQ(a[0].values, b[0].values) << "energy";
    EXPECT_EQ(a[1].values, b[1].values) << "timbre";
    EXPECT_EQ(c[0].values, b[1].values) << "timbre alone";
    EXPECT_EQ(a[1].values["vocals"]["presence"], "female");
  }
}

}  // namespace
}  // namespace codex::analysis
