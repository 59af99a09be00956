// The audio files' own tags through TagLib: key, BPM, energy and comment written into each format
// CODEX reads, every other tag and the audio left exactly as they were (the track id, a hash of the
// audio packets, is the same before and after), and a file TagLib cannot tag left untouched.
#include <gtest/gtest.h>

#include <taglib/mpegfile.h>

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

// Only the four fields change: the ID3v2 version stays (2.3 stays 2.3, 2.4 stays 2.4), no ID3v1 tag
// is added to an MP3 that had none.
TEST(TagsKeep, Id3VersionAndNoNewId3v1) {
  test::TempDir d;
  for (int version : {3, 4}) {
    const std::string path = d.file("v" + std::to_string(version) + ".mp3");
    test::write_audio(path, test::to_stereo(demo::render_clicks(128, 2.0, 44100)), 2, 44100, audio::Format::kMp3, {{"title", "T"}});
    {
      TagLib::MPEG::File f(path.c_str());
      ASSERT_TRUE(f.save(TagLib::MPEG::File::ID3v2, TagLib::File::StripOthers, version == 3 ? TagLib::ID3v2::v3 : TagLib::ID3v2::v4,
                         TagLib::File::DoNotDuplicate));
    }
    auto header = [&] { return test::read_bytes(path).substr(0, 4); };
    ASSERT_EQ(header(), std::string("ID3") + static_cast<char>(version));
    ASSERT_TRUE(write_dj_tags(path, {{"key", "8A"}, {"bpm", "128"}}));
    EXPECT_EQ(header(), std::string("ID3") + static_cast<char>(version));
    const std::string bytes = test::read_bytes(path);
    EXPECT_NE(bytes.substr(bytes.size() - 128, 3), "TAG") << "no ID3v1 tag was added";
    EXPECT_EQ((*read_dj_tags(path))["key"], "8A");
  }
}

TEST(TagsKeep, LinksAreFollowedAndHardLinksRefused) {
  test::TempDir d;
  const std::string real = d.file("real.flac");
  test::write_audio(real, test::to_stereo(demo::render_clicks(120, 2.0, 44100)), 2, 44100, audio::Format::kFlac);
  std::filesystem::create_symlink(real, d.file("link.flac"));
  ASSERT_TRUE(write_dj_tags(d.file("link.flac"), {{"key", "8A"}}));
  EXPECT_TRUE(std::filesystem::is_symlink(d.file("link.flac"))) << "the link stays a link";
  EXPECT_EQ((*read_dj_tags(real))["key"], "8A") << "the file it names is tagged";
  std::filesystem::create_hard_link(real, d.file("hard.flac"));
  const std::string before = test::read_bytes(real);
  Status s = write_dj_tags(d.file("hard.flac"), {{"key", "9A"}});
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("hard links"), std::string::npos);
  EXPECT_EQ(test::read_bytes(real), before);
}

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
