// The audio files' own tags through TagLib: key, BPM, energy and comment written into each format
// CODEX reads, every other tag and the audio left exactly as they were (the track id, a hash of the
// audio packets, is the same before and after), and a file TagLib cannot tag left untouched.
#include <gtest/gtest.h>

#include <filesystem>

#include "codex/audio/decoder.h"
#include "codex/demo/synth.h"
#include "codex/interop/tags.h"
#include "support/test_util.h"

namespace codex::interop {
namespace {

class Tags : public ::testing::TestWithParam<audio::Format> {};

TEST_P(Tags, WrittenAndReadBackWithTheAudioAndOtherTagsUnchanged) {
  test::TempDir d;
  const std::string path = d.file(std::string("t.") + audio::format_extension(GetParam()));
  test::write_audio(path, test::to_stereo(demo::render_clicks(128, 4.0, 44100)), 2, 44100, GetParam(),
                    {{"title", "Night Drive"}, {"artist", "Mara Voss"}, {"album", "Nights"}});
  auto id_before = audio::compute_track_id(path);
  ASSERT_TRUE(id_before) << id_before.status().message();
  auto info_before = audio::Decoder::open(path);
  ASSERT_TRUE(info_before);
  const auto tags_before = (*info_before)->info().tags;
  info_before = Status::Error("closed");

  const TagValues values = {{"key", "8A"}, {"bpm", "128"}, {"energy", "7"}, {"comment", "8A - Energy 7 (CODEX)"}};
  ASSERT_TRUE(write_dj_tags(path, values));
  auto back = read_dj_tags(path);
  ASSERT_TRUE(back) << back.status().message();
  for (const auto& [field, value] : values) {
    if (field == "energy" && GetParam() == audio::Format::kAiff) continue;
    EXPECT_EQ((*back)[field], value) << field;
  }
  auto id_after = audio::compute_track_id(path);
  ASSERT_TRUE(id_after);
  EXPECT_EQ(*id_after, *id_before);
  auto info_after = audio::Decoder::open(path);
  ASSERT_TRUE(info_after);
  for (const char* k : {"title", "artist", "album"}) {
    ASSERT_TRUE(tags_before.count(k)) << k;
    EXPECT_EQ((*info_after)->info().tags.at(k), tags_before.at(k)) << k;
  }
  // No copy is left beside it.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(d.path())) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1u);
}

INSTANTIATE_TEST_SUITE_P(Formats, Tags,
                         ::testing::Values(audio::Format::kMp3, audio::Format::kFlac, audio::Format::kWav16, audio::Format::kM4aAac,
                                           audio::Format::kOggVorbis, audio::Format::kAiff),
                         [](const auto& info) { return std::string(audio::format_extension(info.param)); });

TEST(TagsFail, AFailedCheckOrAnUntaggableFileLeavesTheFileAsItWas) {
  test::TempDir d;
  const std::string path = d.file("t.flac");
  test::write_audio(path, test::to_stereo(demo::render_clicks(120, 2.0, 44100)), 2, 44100, audio::Format::kFlac);
  const std::string before = test::read_bytes(path);
  Status s = write_dj_tags(path, {{"key", "8A"}}, [](const std::string&) { return Status::Error("refused"); });
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("refused"), std::string::npos);
  EXPECT_EQ(test::read_bytes(path), before);
  EXPECT_FALSE(write_dj_tags(path, {{"no such field", "x"}}));
  EXPECT_EQ(test::read_bytes(path), before);
  test::write_bytes(d.file("junk.mp3"), std::string(4096, 'x'));
  const std::string junk = test::read_bytes(d.file("junk.mp3"));
  // TagLib takes any bytes named .mp3 for an MPEG file: the caller's check (the audio's id, as
  // `codex tag` does) is what refuses to tag what is not audio.
  EXPECT_FALSE(write_dj_tags(d.file("junk.mp3"), {{"key", "8A"}}, [](const std::string& copy) {
    auto id = audio::compute_track_id(copy);
    return id ? Status::Ok() : id.status();
  }));
  EXPECT_EQ(test::read_bytes(d.file("junk.mp3")), junk);
  EXPECT_FALSE(write_dj_tags(d.file("missing.mp3"), {{"key", "8A"}}));
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(d.path())) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 2u);
}

}  // namespace
}  // namespace codex::interop
