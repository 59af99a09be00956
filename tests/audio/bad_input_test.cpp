// Malformed and hostile input to the decoder: each must fail with one clear line (or decode what
// is there, flagged), never crash or hang.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "codex/audio/decoder.h"
#include "codex/audio/encoder.h"
#include "codex/audio/truncation.h"
#include "codex/demo/synth.h"
#include "support/test_util.h"

namespace codex::audio {
namespace {

using test::TempDir;

Status decode_all(const std::string& path, DecodeStats* stats = nullptr) {
  auto dec = Decoder::open(path);
  if (!dec) return dec.status();
  return (*dec)->run([](const AudioBlock&) { return true; }, stats);
}

void expect_one_line_error(const Status& s) {
  ASSERT_FALSE(s.ok());
  EXPECT_FALSE(s.message().empty());
  EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
}

TEST(BadInput, MissingFile) {
  TempDir dir;
  Status s = decode_all(dir.file("nope.mp3"));
  expect_one_line_error(s);
  EXPECT_NE(s.message().find("No such file"), std::string::npos) << s.message();
}

TEST(BadInput, ZeroLengthFile) {
  TempDir dir;
  test::write_bytes(dir.file("empty.mp3"), "");
  Status s = decode_all(dir.file("empty.mp3"));
  expect_one_line_error(s);
  EXPECT_NE(s.message().find("empty"), std::string::npos);
}

TEST(BadInput, RandomBytesNamedMp3) {
  TempDir dir;
  demo::Rng rng(42);
  for (int trial = 0; trial < 5; ++trial) {
    std::string bytes(200000 + trial * 7919, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng.next() & 0xFF);
    const std::string p = dir.file("random" + std::to_string(trial) + ".mp3");
    test::write_bytes(p, bytes);
    expect_one_line_error(decode_all(p));
    EXPECT_FALSE(compute_track_id(p).ok() && decode_all(p).ok());
  }
}

TEST(BadInput, TextFileNamedWav) {
  TempDir dir;
  test::write_bytes(dir.file("notes.wav"), "these are my set notes, not audio\n");
  expect_one_line_error(decode_all(dir.file("notes.wav")));
}

TEST(BadInput, DirectoryNamedWav) {
  TempDir dir;
  std::filesystem::create_directory(dir.file("x.wav"));
  Status s = decode_all(dir.file("x.wav"));
  expect_one_line_error(s);
  EXPECT_NE(s.message().find("directory"), std::string::npos);
}

TEST(BadInput, FifoIsRefusedWithoutBlocking) {
  TempDir dir;
  ASSERT_EQ(mkfifo(dir.file("pipe.mp3").c_str(), 0600), 0);
  Status s = decode_all(dir.file("pipe.mp3"));
  expect_one_line_error(s);
  EXPECT_NE(s.message().find("not a regular file"), std::string::npos);
}

TEST(BadInput, TruncatedMp3DecodesWhatIsThereAndIsFlagged) {
  TempDir dir;
  const std::string full = dir.file("full.mp3"), cut = dir.file("cut.mp3");
  test::write_audio(full, demo::render_sine(440.0, 0.4, 20.0, 44100), 1, 44100, Format::kMp3);
  const std::string bytes = test::read_bytes(full);
  test::write_bytes(cut, bytes.substr(0, bytes.size() / 2 + 37));  // cut mid-frame
  DecodeStats stats;
  Status s = decode_all(cut, &stats);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_NEAR(stats.duration_s, 10.0, 1.0);
  EXPECT_TRUE(stats.truncated) << "the header promised 20 s";
}

TEST(BadInput, TruncatedFlacAndHeaderOnlyWav) {
  TempDir dir;
  const std::string flac = dir.file("a.flac");
  test::write_audio(flac, demo::render_sine(440.0, 0.4, 10.0, 44100), 1, 44100, Format::kFlac);
  const std::string bytes = test::read_bytes(flac);
  test::write_bytes(dir.file("cut.flac"), bytes.substr(0, bytes.size() / 3));
  DecodeStats stats;
  Status s = decode_all(dir.file("cut.flac"), &stats);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_LT(stats.duration_s, 5.0);
  EXPECT_TRUE(stats.truncated);

  const std::string wav = dir.file("a.wav");
  test::write_audio(wav, demo::render_sine(440.0, 0.4, 1.0, 44100), 1, 44100);
  test::write_bytes(dir.file("header.wav"), test::read_bytes(wav).substr(0, 44));
  expect_one_line_error(decode_all(dir.file("header.wav")));
}

TEST(BadInput, UnreadableFile) {
  if (geteuid() == 0) GTEST_SKIP() << "root can read any file";
  TempDir dir;
  test::write_audio(dir.file("locked.wav"), demo::render_sine(440.0, 0.4, 1.0, 44100), 1, 44100);
  chmod(dir.file("locked.wav").c_str(), 0);
  expect_one_line_error(decode_all(dir.file("locked.wav")));
}

TEST(BadInput, HalfSecondAndSilenceDecode) {
  TempDir dir;
  test::write_audio(dir.file("short.wav"), demo::render_sine(440.0, 0.4, 0.5, 44100), 1, 44100);
  test::write_audio(dir.file("silence.flac"), std::vector<float>(44100 * 5 * 2, 0.0f), 2, 44100, Format::kFlac);
  DecodeStats a, b;
  ASSERT_TRUE(decode_all(dir.file("short.wav"), &a).ok());
  ASSERT_TRUE(decode_all(dir.file("silence.flac"), &b).ok());
  EXPECT_NEAR(a.duration_s, 0.5, 1e-3);
  EXPECT_NEAR(b.duration_s, 5.0, 1e-3);
}

}  // namespace
}  // namespace codex::audio

namespace codex::audio {
namespace {

// The containers whose readers stop quietly at the end of the bytes: the file's own structure
// (WAV's data size, Ogg's last page, ADTS's frame lengths) tells that it was cut.
TEST(BadInput, TruncatedWavOggOpusAndAdtsAreFlagged) {
  TempDir dir;
  for (Format f : {Format::kWav16, Format::kOggVorbis, Format::kOpus, Format::kAdtsAac}) {
    const int rate = f == Format::kOpus ? 48000 : 44100;
    const std::string ext = format_extension(f);
    SCOPED_TRACE(ext);
    const std::string full = dir.file("full." + ext), cut = dir.file("cut." + ext);
    test::write_audio(full, demo::render_sine(440.0, 0.4, 8.0, rate), 1, rate, f);
    DecodeStats stats;
    ASSERT_TRUE(decode_all(full, &stats).ok());
    EXPECT_FALSE(stats.truncated) << "a whole file";
    const std::string bytes = test::read_bytes(full);
    test::write_bytes(cut, bytes.substr(0, bytes.size() / 2 + 13));
    Status s = decode_all(cut, &stats);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_TRUE(stats.truncated);
    EXPECT_GT(stats.duration_s, 2.0) << "what is there is decoded";
  }
}

TEST(BadInput, EndsEarlyJudgesOnlyWhatItCanRead) {
  TempDir dir;
  EXPECT_FALSE(ends_early(dir.file("missing.wav"), "wav"));
  test::write_bytes(dir.file("junk.wav"), std::string("RIFF\x04\x00\x00\x00WAVEdata", 16));  // chunk header cut
  EXPECT_FALSE(ends_early(dir.file("junk.wav"), "wav"));
  test::write_bytes(dir.file("big.wav"), std::string("RIFF\x24\x00\x00\x00WAVEdata\x00\x10\x00\x00", 16) + "abcd");
  EXPECT_TRUE(ends_early(dir.file("big.wav"), "wav")) << "promises 4096 bytes, holds 4";
  test::write_bytes(dir.file("x.aac"), std::string("\xff\xf1\x50\x80\x02\x1f\xfc", 7));  // 16-byte frame, 7 there
  EXPECT_TRUE(ends_early(dir.file("x.aac"), "aac"));
  test::write_bytes(dir.file("y.aac"), "not adts at all");
  EXPECT_FALSE(ends_early(dir.file("y.aac"), "aac"));
  test::write_bytes(dir.file("z.ogg"), "OggS");
  EXPECT_TRUE(ends_early(dir.file("z.ogg"), "ogg")) << "a page header cut short";
  EXPECT_FALSE(ends_early(dir.file("z.ogg"), "mp3")) << "not a container it judges";
}

}  // namespace
}  // namespace codex::audio
