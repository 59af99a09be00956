#include "codex/semantic/rendition.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "codex/audio/decoder.h"
#include "codex/demo/synth.h"
#include "support/test_util.h"

namespace codex::semantic {
namespace {

bool contains(const std::vector<uint8_t>& bytes, const std::string& needle) {
  return std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end()) != bytes.end();
}

TEST(Rendition, SmallMonoAndFreeOfEveryTag) {
  test::TempDir dir;
  const std::string src = dir.file("My Secret Artist - Hidden Title.flac");
  demo::TrackSpec spec;
  spec.seconds = 20;
  test::write_audio(src, demo::render_track(spec).samples, 2, 44100, audio::Format::kFlac,
                    {{"title", "Hidden Title"}, {"artist", "My Secret Artist"}, {"album", "Private Album"},
                     {"comment", "bought at the record shop"}});
  auto r = render_for_llm(src);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->mime, "audio/mp3");
  EXPECT_NEAR(r->seconds, 20.0, 0.01);
  EXPECT_LT(r->bytes.size(), 20u * 48000 / 8 * 12 / 10) << "about 48 kbit/s";
  for (const char* secret : {"Hidden Title", "My Secret Artist", "Private Album", "record shop", "Secret", ".flac"}) {
    EXPECT_FALSE(contains(r->bytes, secret)) << secret;
  }
  // It is real audio of the same length.
  test::write_bytes(dir.file("r.mp3"), std::string(r->bytes.begin(), r->bytes.end()));
  auto back = audio::decode_mono(dir.file("r.mp3"), 16000);
  ASSERT_TRUE(back.ok());
  EXPECT_NEAR(static_cast<double>(back->size()) / 16000.0, 20.0, 0.1);
}

TEST(Rendition, CanBeCutAndFailsCleanlyOnBadInput) {
  test::TempDir dir;
  test::write_audio(dir.file("t.wav"), demo::render_sine(440, 0.5, 10.0, 44100), 1, 44100);
  RenditionOptions o;
  o.max_seconds = 4;
  o.format = audio::Format::kOggVorbis;
  auto r = render_for_llm(dir.file("t.wav"), o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->mime, "audio/ogg");
  EXPECT_NEAR(r->seconds, 4.0, 0.01);
  test::write_bytes(dir.file("junk.mp3"), "not audio at all");
  EXPECT_FALSE(render_for_llm(dir.file("junk.mp3")).ok());
}

}  // namespace
}  // namespace codex::semantic
