// `codex library import|export|lists` as a user runs them: summaries, one-line errors with the
// right exit status, --analyze for the files not yet analysed, and the DJ's files left untouched.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "codex/demo/synth.h"
#include "support/run_codex.h"

namespace codex {
namespace {

using test::run_codex;

TEST(LibraryCli, ImportListsAnalysesAndExports) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("music"));
  test::write_audio(dir.file("music/one.wav"), test::to_stereo(demo::render_clicks(128, 12.0, 44100)), 2, 44100);
  test::write_bytes(dir.file("set.m3u"), "#EXTM3U\n#EXTINF:12,Clicks - One\nmusic/one.wav\nmusic/missing.wav\n");
  const std::string before = test::read_bytes(dir.file("set.m3u"));
  const std::string db = dir.file("c.db");

  auto r = run_codex({"library", "import", dir.file("set.m3u"), "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("M3U: 2 tracks, 0 matched"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Not analysed yet: 2 files (1 of them are on this machine)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--analyze"), std::string::npos);

  r = run_codex({"library", "import", dir.file("set.m3u"), "--analyze", "--json", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);  // one object, the analysis quiet
  EXPECT_EQ(j["matched"], 1);
  EXPECT_EQ(j["matched_after_analysis"], 1);
  EXPECT_EQ(j["unmatched"].size(), 1u);
  EXPECT_EQ(test::read_bytes(dir.file("set.m3u")), before);

  r = run_codex({"library", "lists", "--json", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lists = nlohmann::json::parse(r.out);
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0]["name"], "set");
  EXPECT_EQ(lists[0]["analysed"], 1);

  r = run_codex({"library", "export", "--format", "traktor", "-o", dir.file("out.nml"), "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Wrote"), std::string::npos);
  EXPECT_NE(r.out.find("Import Another Collection"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir.file("out.nml")));
  r = run_codex({"library", "export", "--format", "traktor", "-o", dir.file("out.nml"), "--db", db});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(test::line_count(r.err), 1u);
  r = run_codex({"library", "export", "--format", "serato", "-o", dir.file("x"), "--db", db});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(test::line_count(r.err), 1u);
}

TEST(LibraryCli, BrokenOrUnknownSourcesAreOneLineAndExitOne) {
  test::TempDir dir;
  test::write_bytes(dir.file("cut.xml"), "<?xml version=\"1.0\"?><DJ_PLAYLISTS><COLLECTION><TRACK Name=\"a\"");
  test::write_bytes(dir.file("notes.txt"), "hello");
  for (const auto& src : std::vector<std::string>{dir.file("cut.xml"), dir.file("notes.txt"), dir.file("missing.nml")}) {
    auto r = run_codex({"library", "import", src, "--db", dir.file("c.db")});
    EXPECT_EQ(r.status, 1) << src;
    EXPECT_EQ(test::line_count(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("codex: ", 0), 0u) << r.err;
  }
  EXPECT_EQ(run_codex({"library"}).status, 2);
  EXPECT_EQ(run_codex({"library", "import"}).status, 2);
}

}  // namespace
}  // namespace codex
