#include "codex/audio/decoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "codex/demo/synth.h"
#include "support/test_util.h"

namespace codex::audio {
namespace {

using test::TempDir;

struct FormatCase {
  Format format;
  const char* codec;
  double duration_tolerance_s;
};

class DecodeEveryFormat : public ::testing::TestWithParam<FormatCase> {};

TEST_P(DecodeEveryFormat, DurationTagsAndLevel) {
  const FormatCase c = GetParam();
  TempDir dir;
  const std::string path = dir.file(std::string("tone.") + format_extension(c.format));
  const auto mono = demo::render_sine(440.0, 0.5, 3.0, 44100);
  test::write_audio(path, test::to_stereo(mono), 2, 44100, c.format, {{"title", "Tone Title"}, {"artist", "Tone Artist"}});

  auto dec = Decoder::open(path);
  ASSERT_TRUE(dec.ok()) << dec.status().message();
  const AudioInfo& info = (*dec)->info();
  EXPECT_EQ(info.codec, c.codec);
  EXPECT_EQ(info.native_channels, 2);
  EXPECT_EQ(info.tags.count("title") ? info.tags.at("title") : "", "Tone Title");
  EXPECT_EQ(info.tags.count("artist") ? info.tags.at("artist") : "", "Tone Artist");

  double sum_sq = 0.0;
  int64_t mono_frames = 0, blocks = 0, short_blocks = 0;
  DecodeStats stats;
  Status s = (*dec)->run(
      [&](const AudioBlock& b) {
        ++blocks;
        if (b.mono_frames != 4096) ++short_blocks;
        EXPECT_EQ(b.mono_offset, mono_frames);
        for (int64_t i = 0; i < b.mono_frames; ++i) sum_sq += b.mono[i] * b.mono[i];
        mono_frames += b.mono_frames;
        return true;
      },
      &stats);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_NEAR(stats.duration_s, 3.0, c.duration_tolerance_s);
  EXPECT_NEAR(static_cast<double>(mono_frames) / 22050.0, stats.duration_s, 0.01);
  EXPECT_LE(short_blocks, 1) << "only the last block may be shorter";
  EXPECT_EQ(stats.decode_errors, 0);
  EXPECT_FALSE(stats.truncated);
  EXPECT_EQ(stats.track_id.size(), 16u);
  const double rms = std::sqrt(sum_sq / static_cast<double>(mono_frames));
  EXPECT_NEAR(rms, 0.5 / std::sqrt(2.0), 0.03);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, DecodeEveryFormat,
    ::testing::Values(FormatCase{Format::kWav16, "pcm_s16le", 0.001}, FormatCase{Format::kWavFloat, "pcm_f32le", 0.001},
                      FormatCase{Format::kAiff, "pcm_s16be", 0.001}, FormatCase{Format::kFlac, "flac", 0.001},
                      FormatCase{Format::kMp3, "mp3", 0.06}, FormatCase{Format::kM4aAac, "aac", 0.06},
                      FormatCase{Format::kM4aAlac, "alac", 0.001}, FormatCase{Format::kOggVorbis, "vorbis", 0.06},
                      FormatCase{Format::kOpus, "opus", 0.06}),
    [](const auto& info) { return std::string(format_extension(info.param.format)) + std::to_string(info.index); });

TEST(Decoder, MonoFileAndResampling) {
  TempDir dir;
  const std::string path = dir.file("mono48k.wav");
  test::write_audio(path, demo::render_sine(1000.0, 0.8, 2.0, 48000), 1, 48000);
  auto mono = decode_mono(path, 22050);
  ASSERT_TRUE(mono.ok()) << mono.status().message();
  EXPECT_NEAR(static_cast<double>(mono->size()), 2.0 * 22050, 40);
  // The 1 kHz tone survives resampling: count zero crossings in the middle second.
  int crossings = 0;
  for (size_t i = 22050 / 2 + 1; i < 22050 / 2 + 22050; ++i) {
    if (((*mono)[i - 1] < 0) != ((*mono)[i] < 0)) ++crossings;
  }
  EXPECT_NEAR(crossings, 2000, 4);
}

TEST(TrackId, SurvivesTagEditsRenamesAndMoves) {
  TempDir dir;
  const auto pcm = test::to_stereo(demo::render_sine(330.0, 0.3, 2.0, 44100));
  for (Format f : {Format::kFlac, Format::kMp3, Format::kWav16, Format::kM4aAac}) {
    const std::string ext = format_extension(f);
    const std::string a = dir.file("a." + ext), b = dir.file("b." + ext);
    test::write_audio(a, pcm, 2, 44100, f, {{"title", "First"}, {"artist", "Someone"}});
    test::write_audio(b, pcm, 2, 44100, f, {{"title", "A much longer edited title"}, {"genre", "Techno"}});
    ASSERT_NE(test::read_bytes(a), test::read_bytes(b)) << ext << ": files must differ in their tags";
    auto ia = compute_track_id(a), ib = compute_track_id(b);
    ASSERT_TRUE(ia.ok() && ib.ok()) << ext;
    EXPECT_EQ(*ia, *ib) << ext << ": tag edit changed the id";
    std::filesystem::create_directories(dir.file("moved"));
    const std::string moved = dir.file("moved/renamed." + ext);
    std::filesystem::rename(a, moved);
    auto im = compute_track_id(moved);
    ASSERT_TRUE(im.ok());
    EXPECT_EQ(*im, *ia) << ext;
  }
}

TEST(TrackId, DecodePassMatchesPacketPassAndDiffersForOtherAudio) {
  TempDir dir;
  const std::string a = dir.file("a.mp3"), b = dir.file("b.mp3");
  test::write_audio(a, demo::render_sine(330.0, 0.3, 2.0, 44100), 1, 44100, Format::kMp3);
  test::write_audio(b, demo::render_sine(331.0, 0.3, 2.0, 44100), 1, 44100, Format::kMp3);
  auto dec = Decoder::open(a);
  ASSERT_TRUE(dec.ok());
  DecodeStats stats;
  ASSERT_TRUE((*dec)->run([](const AudioBlock&) { return true; }, &stats).ok());
  EXPECT_EQ(stats.track_id, *compute_track_id(a));
  EXPECT_NE(*compute_track_id(a), *compute_track_id(b));
}

TEST(Decoder, CancelStopsEarly) {
  TempDir dir;
  const std::string path = dir.file("long.flac");
  test::write_audio(path, demo::render_sine(220.0, 0.3, 20.0, 44100), 1, 44100, Format::kFlac);
  auto dec = Decoder::open(path);
  ASSERT_TRUE(dec.ok());
  int blocks = 0;
  Status s = (*dec)->run([&](const AudioBlock&) { return ++blocks < 3; }, nullptr);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "cancelled");
  EXPECT_EQ(s.code(), Code::kCancelled);
  EXPECT_EQ(blocks, 3);
}

}  // namespace
}  // namespace codex::audio
