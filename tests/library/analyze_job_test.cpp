#include "codex/library/analyze_job.h"


#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>

#include "codex/demo/synth.h"
#include "codex/library/catalog.h"
#include "codex/library/scan.h"
#include "support/test_util.h"

namespace codex::library {
namespace {

namespace fs = std::filesystem;

// A small library: three good tracks in different formats plus every kind of bad input.
struct Library {
  test::TempDir dir;
  std::vector<float> song_a, song_b, song_c;
  Library() {
    song_a = test::to_stereo(demo::render_clicks(128, 6.0, 44100));
    song_b = test::to_stereo(demo::render_sine(220, 0.3, 5.0, 44100));
    song_c = test::to_stereo(demo::render_clicks(90, 7.0, 44100));
    fs::create_directories(dir.file("music/sub"));
    test::write_audio(dir.file("music/a.mp3"), song_a, 2, 44100, audio::Format::kMp3, {{"title", "A"}});
    test::write_audio(dir.file("music/sub/b.flac"), song_b, 2, 44100, audio::Format::kFlac, {{"title", "B"}});
    test::write_audio(dir.file("music/sub/c.m4a"), song_c, 2, 44100, audio::Format::kM4aAac, {{"title", "C"}});
  }
  void add_bad_inputs() {
    const std::string mp3 = test::read_bytes(dir.file("music/a.mp3"));
    test::write_bytes(dir.file("music/truncated.mp3"), mp3.substr(0, mp3.size() / 2));
    demo::Rng rng(7);
    std::string junk(50000, '\0');
    for (auto& c : junk) c = static_cast<char>(rng.next());
    test::write_bytes(dir.file("music/random.mp3"), junk);
    test::write_bytes(dir.file("music/zero.wav"), "");
    fs::create_directories(dir.file("music/x.wav"));
    test::write_audio(dir.file("music/caf\xe9\xff.wav"), test::to_stereo(demo::render_sine(300, 0.3, 2.0, 44100)), 2,
                      44100);
    test::write_audio(dir.file("music/half.wav"), demo::render_sine(440, 0.3, 0.5, 44100), 1, 44100);
    test::write_audio(dir.file("music/silence.wav"), std::vector<float>(44100 * 4, 0.0f), 1, 44100);
  }
  std::vector<std::string> files() const { return scan_paths({dir.file("music")}).files; }
};

std::set<std::string> failed_names(const AnalyzeSummary& s) {
  std::set<std::string> out;
  for (const auto& f : s.failures) out.insert(fs::path(f.path).filename().string());
  return out;
}

TEST(AnalyzeJob, BadInputIsReportedAndTheRestIsAnalysed) {
  Library lib;
  lib.add_bad_inputs();
  auto c = corpus::Corpus::open(lib.dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  AnalyzeOptions opt;
  opt.jobs = 2;
  const AnalyzeSummary s = analyze_files(**c, lib.files(), opt);
  EXPECT_EQ(failed_names(s), (std::set<std::string>{"random.mp3", "zero.wav"}));
  for (const auto& f : s.failures) {
    EXPECT_FALSE(f.error.empty());
    EXPECT_EQ(f.error.find('\n'), std::string::npos);
  }
  // a, b, c, truncated, non-UTF-8 name, half-second, silence
  EXPECT_EQ(s.analyzed, 7u);
  EXPECT_EQ((*c)->tracks().count().value(), 7) << "truncated.mp3 has other packets than a.mp3, so it is another track";
  std::set<std::string> flags;
  for (const auto& f : s.flagged) {
    for (const auto& flag : f.flags) flags.insert(fs::path(f.path).filename().string() + ":" + flag);
  }
  EXPECT_TRUE(flags.count("truncated.mp3:truncated"));
  EXPECT_TRUE(flags.count("half.wav:short"));
  EXPECT_TRUE(flags.count("silence.wav:silent"));
  EXPECT_EQ((*c)->tracks().failures()->size(), 2u);
}

TEST(AnalyzeJob, SecondRunSkipsAndFindsMovedRenamedAndRetaggedTracks) {
  Library lib;
  auto c = corpus::Corpus::open(lib.dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  AnalyzeOptions opt;
  opt.jobs = 1;
  AnalyzeSummary s = analyze_files(**c, lib.files(), opt);
  ASSERT_EQ(s.analyzed, 3u);
  s = analyze_files(**c, lib.files(), opt);
  EXPECT_EQ(s.up_to_date, 3u);
  EXPECT_EQ(s.analyzed, 0u);

  fs::rename(lib.dir.file("music/a.mp3"), lib.dir.file("music/sub/renamed.mp3"));
  test::write_audio(lib.dir.file("music/sub/b.flac"), lib.song_b, 2, 44100, audio::Format::kFlac,
                    {{"title", "B (edited tags)"}, {"artist", "Someone"}});
  s = analyze_files(**c, lib.files(), opt);
  EXPECT_EQ(s.new_location, 2u);
  EXPECT_EQ(s.up_to_date, 1u);
  EXPECT_EQ(s.analyzed, 0u);
  EXPECT_EQ((*c)->tracks().count().value(), 3);

  opt.force = true;
  s = analyze_files(**c, lib.files(), opt);
  EXPECT_EQ(s.analyzed, 3u);
  EXPECT_EQ((*c)->tracks().count().value(), 3);
}

TEST(AnalyzeJob, FileThatVanishesMidRunIsReported) {
  Library lib;
  auto c = corpus::Corpus::open(lib.dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  const auto files = lib.files();  // a.mp3, sub/b.flac, sub/c.m4a
  AnalyzeOptions opt;
  opt.jobs = 1;
  AnalyzeCallbacks cb;
  cb.on_file_start = [&](const std::string& path) {
    if (path == files[0]) fs::remove(files[2]);
  };
  const AnalyzeSummary s = analyze_files(**c, files, opt, cb);
  EXPECT_EQ(s.analyzed, 2u);
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_EQ(s.failures[0].path, files[2]);
  EXPECT_NE(s.failures[0].error.find("vanished"), std::string::npos) << s.failures[0].error;
}

TEST(AnalyzeJob, ParallelRunGivesTheSameCorpus) {
  Library lib;
  auto one = corpus::Corpus::open(lib.dir.file("one.db"));
  auto two = corpus::Corpus::open(lib.dir.file("two.db"));
  ASSERT_TRUE(one.ok() && two.ok());
  AnalyzeOptions opt;
  opt.jobs = 1;
  analyze_files(**one, lib.files(), opt);
  opt.jobs = 2;
  analyze_files(**two, lib.files(), opt);
  const auto a = list_tracks(**one).value(), b = list_tracks(**two).value();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].track_id, b[i].track_id);
    EXPECT_EQ(a[i].lufs, b[i].lufs);
    EXPECT_EQ(a[i].energy, b[i].energy);
  }
}

TEST(AnalyzeJob, CancelStopsWithoutStoringHalfTracks) {
  Library lib;
  auto c = corpus::Corpus::open(lib.dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  std::atomic<bool> cancel{false};
  AnalyzeCallbacks cb;
  cb.on_file_done = [&](const FileEvent&) { cancel = true; };
  AnalyzeOptions opt;
  opt.jobs = 1;
  const AnalyzeSummary s = analyze_files(**c, lib.files(), opt, cb, &cancel);
  EXPECT_TRUE(s.cancelled);
  EXPECT_EQ(s.analyzed, 1u);
  EXPECT_EQ((*c)->tracks().count().value(), 1);
}

}  // namespace
}  // namespace codex::library

namespace codex::library {
namespace {

TEST(TrackWrite, TagsAreReadHereNotInTheCorpus) {
  analysis::TrackAnalysis a;
  a.info.tags = {{"album_artist", "Crew"}, {"tbpm", "127.5"}, {"initialkey", "8A"}, {"genre", "techno"}};
  a.info.codec = "mp3";
  a.stats.duration_s = 61.0;
  a.flags = {"clipped"};
  analysis::AnalyzerResult r;
  r.stamp = {"energy", 3, "h"};
  r.output.values = {{"energy", 6}};
  r.output.confidence = 0.5;
  a.results.push_back(r);
  const corpus::TrackWrite w = track_write("id", {"/m/Some Song.final.mp3", 10, 20}, a);
  EXPECT_EQ(w.title, "Some Song.final") << "no title tag: the file name without its extension";
  EXPECT_EQ(w.artist, "Crew");
  EXPECT_EQ(w.genre, "techno");
  EXPECT_EQ(w.tag_bpm.value_or(0), 127.5);
  EXPECT_EQ(w.tag_key.value_or(""), "8A");
  EXPECT_EQ(w.flags, std::vector<std::string>{"clipped"});
  ASSERT_EQ(w.results.size(), 1u);
  EXPECT_EQ(w.results[0].stamp.version, 3);
  a.info.tags = {{"title", "T"}, {"bpm", "fast"}};
  const corpus::TrackWrite v = track_write("id", {"x.mp3", 1, 1}, a);
  EXPECT_EQ(v.title, "T");
  EXPECT_FALSE(v.tag_bpm.has_value()) << "not a number";
  EXPECT_FALSE(v.tag_key.has_value());
}

}  // namespace
}  // namespace codex::library
