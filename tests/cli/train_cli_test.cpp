// `codex train key|tempo` and `codex analyze --param` as a user runs them: the report, the one-line
// errors, and the tags and files left untouched.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/demo/synth.h"
#include "support/run_codex.h"

namespace codex {
namespace {

using test::run_codex;

TEST(TrainCli, TempoLearnsFromARekordboxLibraryAndResets) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("music"));
  // Twenty click tracks that a DJ program files at double the clicks' tempo (few tags move the
  // analyzer's choice little: twenty is the least the trainer takes by default).
  std::vector<double> bpms;
  for (int i = 0; i < 20; ++i) bpms.push_back(80.0 + 0.75 * i);  // distinct audio: distinct tracks
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DJ_PLAYLISTS Version=\"1.0.0\">\n<PRODUCT Name=\"rekordbox\"/>\n<COLLECTION>\n";
  for (int i = 0; i < 20; ++i) {
    const std::string name = "music/t" + std::to_string(i) + ".wav";
    test::write_audio(dir.file(name), test::to_stereo(demo::render_clicks(bpms[static_cast<size_t>(i)], 8.0, 44100)), 2, 44100);
    xml += "<TRACK TrackID=\"" + std::to_string(i + 1) + "\" Name=\"t" + std::to_string(i) + "\" Artist=\"A" +
           std::to_string(i) + "\" Genre=\"Drum &amp; Bass\" AverageBpm=\"" + std::to_string(2 * bpms[static_cast<size_t>(i)]) +
           "\" Location=\"file://localhost" + dir.file(name) + "\"/>\n";
  }
  xml += "</COLLECTION>\n<PLAYLISTS><NODE Type=\"0\" Name=\"ROOT\" Count=\"0\"/></PLAYLISTS>\n</DJ_PLAYLISTS>\n";
  test::write_bytes(dir.file("rb.xml"), xml);
  const std::string db = dir.file("c.db");
  const std::string audio_before = test::read_bytes(dir.file("music/t0.wav"));

  auto r = run_codex({"analyze", dir.file("music"), "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  // Too few tags (nothing imported yet): one line, exit 1.
  r = run_codex({"train", "tempo", "--db", db});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(test::line_count(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("too few tracks"), std::string::npos) << r.err;

  r = run_codex({"library", "import", dir.file("rb.xml"), "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  // The built records (cached) are read before training: they must follow the new tempi after.
  auto bpms_exported = [&] {
    auto e = run_codex({"export", "--db", db});
    EXPECT_EQ(e.status, 0) << e.err;
    std::vector<double> out;
    for (size_t start = 0; start < e.out.size();) {
      const size_t end = e.out.find('\n', start);
      const auto rec = nlohmann::json::parse(e.out.substr(start, end - start), nullptr, false);
      if (rec.is_object() && rec.contains("bpm") && rec["bpm"].is_number()) out.push_back(rec["bpm"].get<double>());
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return out;
  };
  for (double b : bpms_exported()) EXPECT_LT(b, 100.0);
  r = run_codex({"train", "tempo", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("20 analysed track(s) have a BPM"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Installed ta-"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Your tags are unchanged"), std::string::npos) << r.out;
  r = run_codex({"train", "tempo", "--json", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["used"], 20);
  EXPECT_EQ(j["installed"], true) << r.out;
  EXPECT_GE(j["held_out"]["after"]["acc1"].get<double>(), 0.9) << r.out;  // at the program's octave
  EXPECT_EQ(test::read_bytes(dir.file("music/t0.wav")), audio_before);
  const auto after = bpms_exported();
  EXPECT_EQ(after.size(), 20u);
  for (double b : after) EXPECT_GT(b, 150.0);  // at the program's octave, records and all

  r = run_codex({"train", "tempo", "--reset", "--json", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["reset"], true);
}

TEST(TrainCli, AnAnalyzerParameterIsCheckedBeforeAnythingRuns) {
  test::TempDir dir;
  test::write_audio(dir.file("one.wav"), test::to_stereo(demo::render_clicks(128, 6.0, 44100)), 2, 44100);
  for (const char* bad : {"nosuch.x=1", "key.learned_weight=lots", "key.no_such_param=1", "keyweight"}) {
    auto r = run_codex({"analyze", dir.file("one.wav"), "--param", bad, "--db", dir.file("c.db")});
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_EQ(test::line_count(r.err), 1u) << r.err;
  }
  auto r = run_codex({"analyze", dir.file("one.wav"), "--param", "key.learned_weight=0", "--json", "--db", dir.file("c.db")});
  ASSERT_EQ(r.status, 0) << r.err;
  // Stamped with the override: a run without it analyses the track again.
  r = run_codex({"analyze", dir.file("one.wav"), "--json", "--db", dir.file("c.db")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"analyzed\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace codex
