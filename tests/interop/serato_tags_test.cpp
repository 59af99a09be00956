// Serato's objects inside audio files (the serato-tags notes): Autotags, BeatGrid and Markers2 as
// ID3 GEOB frames (MP3) and base64 Vorbis comments (FLAC), read into a track, and malformed objects
// refused with their name. The fixtures are written with TagLib here, as Serato writes them.
#include <gtest/gtest.h>

#include <taglib/flacfile.h>
#include <taglib/generalencapsulatedobjectframe.h>
#include <taglib/id3v2tag.h>
#include <taglib/mpegfile.h>
#include <taglib/xiphcomment.h>

#include <cstring>
#include <filesystem>

#include "codex/demo/synth.h"
#include "codex/interop/dj_library.h"
#include "codex/interop/tags.h"
#include "support/test_util.h"

namespace codex::interop {
namespace {

std::string be32(uint32_t v) {
  std::string s;
  for (int k = 24; k >= 0; k -= 8) s.push_back(static_cast<char>((v >> k) & 0xFF));
  return s;
}
std::string bef(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return be32(u);
}
std::string b64(const std::string& raw) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < raw.size(); i += 3) {
    const uint32_t v = uint32_t(uint8_t(raw[i])) << 16 | uint32_t(uint8_t(raw[i + 1])) << 8 | uint8_t(raw[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out.push_back(a[(v >> k) & 63]);
  }
  if (i < raw.size()) {
    uint32_t v = uint32_t(uint8_t(raw[i])) << 16 | (i + 1 < raw.size() ? uint32_t(uint8_t(raw[i + 1])) << 8 : 0);
    out.push_back(a[(v >> 18) & 63]);
    out.push_back(a[(v >> 12) & 63]);
    out += i + 1 < raw.size() ? std::string(1, a[(v >> 6) & 63]) + "=" : "==";
  }
  return out;
}

const std::string kAutotags = std::string("\x01\x01", 2) + "126.00" + '\0' + "-3.257" + '\0' + "0.000" + '\0';
// Two markers: 64 beats from 0.1 s at 128 BPM, then 128 BPM on.
const std::string kBeatGrid = std::string("\x01\x00", 2) + be32(2) + bef(0.1f) + be32(64) + bef(0.1f + 30.0f) + bef(128.0f) + '\0';

std::string markers2() {
  std::string cue_data = std::string(1, '\0') + '\x01' + be32(32100) + '\0' + std::string("\xCC\x00\x00", 3) + std::string(2, '\0') + "Drop" + '\0';
  std::string cue = std::string("CUE") + '\0' + be32(static_cast<uint32_t>(cue_data.size())) + cue_data;
  std::string loop_data = std::string(1, '\0') + '\x00' + be32(60000) + be32(64000) + "\xFF\xFF\xFF\xFF" + std::string("\x00\x27\xAA\xE1", 4) +
                          '\0' + '\0' + "Roll" + '\0';
  std::string loop = std::string("LOOP") + '\0' + be32(static_cast<uint32_t>(loop_data.size())) + loop_data;
  std::string color = std::string("COLOR") + '\0' + be32(4) + std::string("\x00\xFF\xFF\xFF", 4);
  const std::string inner = std::string("\x01\x01", 2) + color + cue + loop + '\0';
  std::string text = b64(inner);
  text.insert(10, "\n");  // Serato breaks its base64 into lines
  return std::string("\x01\x01", 2) + text + '\0';
}

TEST(SeratoObjects, AutotagsBeatGridAndMarkers) {
  DjTrack t;
  ASSERT_TRUE(apply_serato_objects({{"Serato Autotags", kAutotags}, {"Serato BeatGrid", kBeatGrid}, {"Serato Markers2", markers2()}}, t));
  EXPECT_DOUBLE_EQ(*t.bpm, 126.0);
  ASSERT_EQ(t.grid.size(), 2u);
  EXPECT_NEAR(t.grid[0].position_s, 0.1, 1e-6);
  EXPECT_NEAR(t.grid[0].bpm, 128.0, 1e-3);
  EXPECT_NEAR(t.grid[1].bpm, 128.0, 1e-6);
  ASSERT_EQ(t.cues.size(), 2u);
  EXPECT_EQ(t.cues[0].name, "Drop");
  EXPECT_EQ(t.cues[0].hotcue, 1);
  EXPECT_DOUBLE_EQ(t.cues[0].position_s, 32.1);
  EXPECT_EQ(*t.cues[0].color, 0xCC0000u);
  EXPECT_EQ(t.cues[1].kind, "loop");
  EXPECT_DOUBLE_EQ(*t.cues[1].length_s, 4.0);
  EXPECT_EQ(t.cues[1].name, "Roll");
}

TEST(SeratoObjects, MalformedObjectsAreRefusedByName) {
  auto fails = [](const std::string& name, const std::string& payload) {
    DjTrack t;
    Status s = apply_serato_objects({{name, payload}}, t);
    EXPECT_FALSE(s) << name;
    if (!s) {
      EXPECT_NE(s.message().find(name), std::string::npos) << s.message();
    }
  };
  fails("Serato BeatGrid", "");
  fails("Serato BeatGrid", std::string("\x02\x00", 2) + be32(1) + bef(0) + bef(120));
  fails("Serato BeatGrid", std::string("\x01\x00", 2) + be32(1000000) + bef(0) + bef(120));
  fails("Serato BeatGrid", std::string("\x01\x00", 2) + be32(1) + bef(NAN) + bef(120));
  fails("Serato BeatGrid", std::string("\x01\x00", 2) + be32(1) + bef(0) + bef(-5));
  fails("Serato BeatGrid", std::string("\x01\x00", 2) + be32(2) + bef(5) + be32(4) + bef(1) + bef(120));  // backwards
  fails("Serato Markers2", "x");
  fails("Serato Markers2", std::string("\x01\x01", 2) + b64(std::string("\x01\x01", 2) + "CUE" + '\0' + be32(9999) + "abc"));
  fails("Serato Markers2", std::string("\x01\x01", 2) + b64(std::string("\x01\x01", 2) + std::string(100, 'A')));
  fails("Serato Autotags", "\x05");
  DjTrack t;
  EXPECT_TRUE(apply_serato_objects({}, t));
}

TEST(SeratoObjects, ReadFromMp3AndFlacTagsAndImportedWithTheDatabase) {
  test::TempDir d;
  const std::string mp3 = d.file("a.mp3"), flac = d.file("b.flac");
  const auto audio = test::to_stereo(demo::render_clicks(128, 3.0, 44100));
  test::write_audio(mp3, audio, 2, 44100, audio::Format::kMp3);
  test::write_audio(flac, audio, 2, 44100, audio::Format::kFlac);
  {
    TagLib::MPEG::File f(mp3.c_str());
    auto* tag = f.ID3v2Tag(true);
    for (const auto& [name, payload] : std::map<std::string, std::string>{{"Serato BeatGrid", kBeatGrid}, {"Serato Markers2", markers2()}}) {
      auto* geob = new TagLib::ID3v2::GeneralEncapsulatedObjectFrame();
      geob->setMimeType("application/octet-stream");
      geob->setDescription(TagLib::String(name));
      geob->setObject(TagLib::ByteVector(payload.data(), static_cast<unsigned>(payload.size())));
      tag->addFrame(geob);
    }
    ASSERT_TRUE(f.save());
  }
  {
    TagLib::FLAC::File f(flac.c_str());
    const std::string head = std::string("application/octet-stream") + '\0' + '\0' + "Serato BeatGrid" + '\0';
    f.xiphComment(true)->addField("SERATO_BEATGRID", TagLib::String(b64(head + kBeatGrid)));
    ASSERT_TRUE(f.save());
  }
  auto objs = read_serato_objects(mp3);
  EXPECT_EQ(objs.size(), 2u);
  EXPECT_EQ(objs["Serato BeatGrid"], kBeatGrid);
  auto fobjs = read_serato_objects(flac);
  ASSERT_EQ(fobjs.size(), 1u);
  EXPECT_EQ(fobjs["Serato BeatGrid"], kBeatGrid);
  EXPECT_TRUE(read_serato_objects(d.file("missing.mp3")).empty());

  // A Serato database naming both files (paths from the drive's root): grid and cues come with them.
  auto utf16 = [](const std::string& s) {
    std::string out;
    for (char c : s) out += std::string(1, '\0') + c;
    return out;
  };
  auto field = [](const std::string& tag, const std::string& v) { return tag + be32(static_cast<uint32_t>(v.size())) + v; };
  std::filesystem::create_directories(d.file("_Serato_"));
  test::write_bytes(d.file("_Serato_/database V2"), field("vrsn", utf16("2.0/Serato Scratch LIVE Database")) +
                                                        field("otrk", field("pfil", utf16(mp3.substr(1)))) +
                                                        field("otrk", field("pfil", utf16(flac.substr(1)))));
  auto lib = read_dj_library(d.path());
  ASSERT_TRUE(lib) << lib.status().message();
  ASSERT_EQ(lib->tracks.size(), 2u);
  EXPECT_EQ(lib->tracks[0].path, mp3);
  EXPECT_EQ(lib->tracks[0].grid.size(), 2u);
  EXPECT_EQ(lib->tracks[0].cues.size(), 2u);
  EXPECT_EQ(lib->tracks[1].grid.size(), 2u);
  EXPECT_TRUE(lib->warnings.empty());
}

}  // namespace
}  // namespace codex::interop
