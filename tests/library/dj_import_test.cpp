// Importing a DJ program's library into a corpus of analysed tracks, and exporting CODEX's grid,
// cues and keys back: paths matched across systems and by audio, the program's BPM and key compared
// in the DJ's terms, history turned into transitions, and export → import round trips.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "codex/demo/synth.h"
#include "codex/interop/dj_paths.h"
#include "codex/library/analyze_job.h"
#include "codex/library/dj_export.h"
#include "codex/library/dj_import.h"
#include "codex/audio/decoder.h"
#include "codex/library/recommend.h"
#include "codex/library/records.h"
#include "codex/library/tag_job.h"
#include "support/test_util.h"

namespace codex::library {
namespace {

namespace fs = std::filesystem;

class DjImport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    fs::create_directories(dir_->file("music"));
    fs::create_directories(dir_->file("moved"));
    fs::create_directories(dir_->file("new"));
    auto render = [](double bpm, music::Key key, uint64_t seed) {
      demo::TrackSpec s;
      s.bpm = bpm;
      s.key = key;
      s.seconds = 48.0;
      s.intro_bars = 2;
      s.seed = seed;
      return demo::render_track(s);
    };
    const auto a = render(128, {9, true}, 1), b = render(100, {2, true}, 2), c = render(140, {7, false}, 3), d = render(124, {4, true}, 4);
    test::write_audio(dir_->file("music/a.wav"), a.samples, 2, 44100, audio::Format::kWav16, {{"title", "Alpha"}});
    test::write_audio(dir_->file("music/b.wav"), b.samples, 2, 44100, audio::Format::kWav16, {{"title", "Beta"}});
    test::write_audio(dir_->file("music/c.wav"), c.samples, 2, 44100, audio::Format::kWav16, {{"title", "Gamma"}});
    test::write_audio(dir_->file("new/d.wav"), d.samples, 2, 44100, audio::Format::kWav16, {{"title", "Delta"}});
    fs::copy_file(dir_->file("music/c.wav"), dir_->file("moved/gamma renamed.wav"));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    db_ = dir_->file(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".db");
    auto c = corpus::Corpus::open(db_);
    ASSERT_TRUE(c);
    corpus_ = std::move(*c);
    AnalyzeOptions opt;
    opt.jobs = 2;
    const auto s = analyze_files(*corpus_, {dir_->file("music/a.wav"), dir_->file("music/b.wav"), dir_->file("music/c.wav")}, opt);
    ASSERT_EQ(s.analyzed, 3u);
  }
  std::string id_at(const std::string& rel) {
    auto ids = corpus_->tracks().resolve(dir_->file(rel));
    return ids && ids->size() == 1 ? (*ids)[0] : "";
  }
  double codex_bpm(const std::string& rel) {
    auto r = build_record(*corpus_, id_at(rel));
    return r && r->bpm ? *r->bpm : 0.0;
  }
  std::string codex_key(const std::string& rel) {
    auto r = build_record(*corpus_, id_at(rel));
    return r && r->key ? r->key->camelot() : "";
  }

  static test::TempDir* dir_;
  std::string db_;
  std::unique_ptr<corpus::Corpus> corpus_;
};
test::TempDir* DjImport::dir_ = nullptr;

std::string url(const std::string& path) { return "file://localhost" + interop::percent_encode_path(path); }

TEST_F(DjImport, PathsAreMatchedAcrossSystemsAndByAudio) {
  const double bpm_a = codex_bpm("music/a.wav");
  ASSERT_GT(bpm_a, 100.0);
  const std::string key_b = codex_key("music/b.wav");
  ASSERT_FALSE(key_b.empty());
  // Rekordbox on another machine: a at the same path (half its BPM: "double"), b on a Windows drive
  // (matched by its name) with another key, the copy of c under a new name (matched by audio), d not
  // analysed yet, and a file that is nowhere.
  const std::string other_key = key_b == "8B" ? "C#" : "C";
  char half[32];
  std::snprintf(half, sizeof half, "%.2f", bpm_a / 2);
  const std::string xml = std::string(R"(<?xml version="1.0" encoding="UTF-8"?><DJ_PLAYLISTS Version="1.0.0"><COLLECTION Entries="5">)") +
                          "<TRACK TrackID=\"1\" Name=\"Alpha\" AverageBpm=\"" + half + "\" Location=\"" + url(dir_->file("music/a.wav")) + "\"/>" +
                          "<TRACK TrackID=\"2\" Name=\"Beta\" Tonality=\"" + other_key + "\" Location=\"file://localhost/C:/Users/dj/Music/b.wav\"/>" +
                          "<TRACK TrackID=\"3\" Name=\"Gamma\" Location=\"" + url(dir_->file("moved/gamma renamed.wav")) + "\"/>" +
                          "<TRACK TrackID=\"4\" Name=\"Delta\" Location=\"" + url(dir_->file("new/d.wav")) + "\"/>" +
                          "<TRACK TrackID=\"5\" Name=\"Nowhere\" Location=\"file://localhost/nowhere/e.mp3\"/>" +
                          R"(</COLLECTION><PLAYLISTS><NODE Type="0" Name="ROOT"><NODE Type="0" Name="HISTORY">
<NODE Name="HISTORY 2024-05-01" Type="1" KeyType="0"><TRACK Key="1"/><TRACK Key="2"/><TRACK Key="3"/><TRACK Key="4"/></NODE></NODE>
<NODE Name="Peak" Type="1" KeyType="0"><TRACK Key="3"/><TRACK Key="1"/></NODE></NODE></PLAYLISTS></DJ_PLAYLISTS>)";
  test::write_bytes(dir_->file("rekordbox.xml"), xml);
  auto sum = import_dj_library(*corpus_, dir_->file("rekordbox.xml"));
  ASSERT_TRUE(sum) << sum.status().message();
  EXPECT_EQ(sum->source, "rekordbox");
  EXPECT_EQ(sum->tracks, 5u);
  EXPECT_EQ(sum->matched, 3u);
  EXPECT_EQ(sum->matched_by["path"], 1u);
  EXPECT_EQ(sum->matched_by["folder and name"], 1u);  // ".../Music/b.wav" on the Windows drive
  EXPECT_EQ(sum->matched_by["audio"], 1u);
  EXPECT_EQ(sum->unmatched_here, std::vector<std::string>{dir_->file("new/d.wav")});
  EXPECT_EQ(sum->unmatched.size(), 2u);
  EXPECT_EQ(sum->lists["history"], 1u);
  EXPECT_EQ(sum->lists["playlist"], 1u);
  EXPECT_EQ(sum->transitions, 2);  // a -> b -> c; d is not analysed
  ASSERT_EQ(sum->disagreements.size(), 2u);
  const std::string bpm_line = sum->disagreements[0] + "|" + sum->disagreements[1];
  EXPECT_NE(bpm_line.find(": double"), std::string::npos) << bpm_line;
  EXPECT_NE(bpm_line.find("Rekordbox " + other_key + ", CODEX " + key_b), std::string::npos) << bpm_line;
  // The moved copy is now a known location of c.
  EXPECT_EQ(id_at("moved/gamma renamed.wav"), id_at("music/c.wav"));
  // Crates and playlists name tracks.
  auto peak = corpus_->dj().members("Peak");
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->size(), 2u);

  // d analysed, then matched: the history gains c -> d.
  AnalyzeOptions opt;
  (void)analyze_files(*corpus_, {dir_->file("new/d.wav")}, opt);
  auto n = rematch_dj_paths(*corpus_);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1u);
  auto count = corpus_->dj().transition_count();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 3);
  auto from_c = corpus_->dj().transitions_from(id_at("music/c.wav"));
  ASSERT_TRUE(from_c);
  ASSERT_EQ(from_c->size(), 1u);
  EXPECT_EQ((*from_c)[0].to, id_at("new/d.wav"));
  EXPECT_EQ((*from_c)[0].source, "rekordbox");
  EXPECT_EQ((*from_c)[0].set, "HISTORY / HISTORY 2024-05-01");
  EXPECT_EQ((*from_c)[0].at, "2024-05-01");

  // Importing again replaces, never duplicates.
  auto again = import_dj_library(*corpus_, dir_->file("rekordbox.xml"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->matched, 4u);
  EXPECT_EQ(again->transitions, 3);
  auto rows = corpus_->dj().tracks("rekordbox");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->size(), 5u);
}

TEST_F(DjImport, ExportedFilesImportBackWithTheSameGridCuesAndKeys) {
  auto lib = dj_library_of_corpus(*corpus_);
  ASSERT_TRUE(lib) << lib.status().message();
  ASSERT_EQ(lib->tracks.size(), 3u);
  size_t with_cues = 0;
  for (const auto& t : lib->tracks) {
    EXPECT_FALSE(t.grid.empty()) << t.path;
    with_cues += t.cues.size() >= 3 ? 1 : 0;
    EXPECT_FALSE(t.key.empty());
    EXPECT_NE(t.comment.find("Energy"), std::string::npos);
  }
  EXPECT_EQ(with_cues, 3u);
  for (auto [format, file] : {std::pair{DjFormat::kRekordbox, "out.xml"}, std::pair{DjFormat::kTraktor, "out.nml"}}) {
    const std::string out = dir_->file(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + file);
    auto sum = export_dj_library(*corpus_, format, out);
    ASSERT_TRUE(sum) << sum.status().message();
    EXPECT_EQ(sum->tracks, 3u);
    EXPECT_FALSE(sum->how_to_import.empty());
    EXPECT_FALSE(export_dj_library(*corpus_, format, out)) << "an existing file is not replaced";
    EXPECT_TRUE(export_dj_library(*corpus_, format, out, "", true)) << "--force replaces a file CODEX wrote";
    auto back = interop::read_dj_library(out);
    ASSERT_TRUE(back) << back.status().message();
    ASSERT_EQ(back->tracks.size(), lib->tracks.size());
    for (size_t i = 0; i < lib->tracks.size(); ++i) {
      const auto& want = lib->tracks[i];
      const auto& got = back->tracks[i];
      EXPECT_EQ(got.path, want.path);
      EXPECT_EQ(got.key, want.key);
      ASSERT_EQ(got.grid.size(), want.grid.size());
      EXPECT_NEAR(got.grid[0].position_s, want.grid[0].position_s, 1e-3);
      EXPECT_NEAR(got.grid[0].bpm, want.grid[0].bpm, 0.01);
      std::vector<const interop::Cue*> cues;
      for (const auto& c : got.cues) {
        if (c.kind != "grid") cues.push_back(&c);
      }
      ASSERT_EQ(cues.size(), want.cues.size());
      for (size_t k = 0; k < cues.size(); ++k) {
        EXPECT_EQ(cues[k]->name, want.cues[k].name);
        EXPECT_NEAR(cues[k]->position_s, want.cues[k].position_s, 1e-3);
        EXPECT_EQ(cues[k]->hotcue, want.cues[k].hotcue);
      }
    }
    // CODEX's own file imported by CODEX: every track by its path, nothing to disagree about.
    auto sum_in = import_dj_library(*corpus_, out);
    ASSERT_TRUE(sum_in) << sum_in.status().message();
    EXPECT_EQ(sum_in->matched, 3u);
    EXPECT_EQ(sum_in->matched_by["path"], 3u);
    EXPECT_TRUE(sum_in->disagreements.empty()) << sum_in->disagreements[0];
    EXPECT_EQ(sum_in->key_compared, 3u);
  }
  // --force never replaces a file CODEX did not write (the DJ's own collection).
  test::write_bytes(dir_->file("collection-of-the-dj.nml"), "<?xml version=\"1.0\"?><NML VERSION=\"19\"></NML>");
  const std::string theirs = test::read_bytes(dir_->file("collection-of-the-dj.nml"));
  auto refused = export_dj_library(*corpus_, DjFormat::kTraktor, dir_->file("collection-of-the-dj.nml"), "", true);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.status().message().find("not written by CODEX"), std::string::npos);
  EXPECT_EQ(test::read_bytes(dir_->file("collection-of-the-dj.nml")), theirs);
  for (const auto& e : fs::directory_iterator(dir_->path())) {
    EXPECT_EQ(e.path().filename().string().find(".XXXXXX"), std::string::npos);
    EXPECT_EQ(e.path().filename().string().find("collection-of-the-dj.nml."), std::string::npos) << "no temporary file left";
  }
  auto m3u = export_dj_library(*corpus_, DjFormat::kM3u8, dir_->file("ExportM3u.m3u8"));
  ASSERT_TRUE(m3u);
  auto back = interop::read_dj_library(dir_->file("ExportM3u.m3u8"));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->lists[0].paths.size(), 3u);
  fs::remove(dir_->file("ExportM3u.m3u8"));
}

TEST_F(DjImport, CodexSetsAreExportedAsPlaylistsAndOneListAlone) {
  ASSERT_TRUE(corpus_->history().record_play("Friday", id_at("music/b.wav")));
  ASSERT_TRUE(corpus_->history().record_play("Friday", id_at("music/a.wav")));
  auto lib = dj_library_of_corpus(*corpus_, "Friday");
  ASSERT_TRUE(lib) << lib.status().message();
  EXPECT_EQ(lib->tracks.size(), 2u);
  ASSERT_EQ(lib->lists.size(), 1u);
  EXPECT_EQ(lib->lists[0].folder, std::vector<std::string>{"CODEX sets"});
  ASSERT_EQ(lib->lists[0].paths.size(), 2u);
  EXPECT_EQ(lib->lists[0].paths[0], interop::normalize_path(dir_->file("music/b.wav")));
  EXPECT_FALSE(dj_library_of_corpus(*corpus_, "No such set"));
}

TEST_F(DjImport, TagIsADryRunUnlessWriteAndKeepsTheAudio) {
  fs::create_directories(dir_->file("tag"));
  const std::string file = dir_->file("tag/a.wav");
  fs::copy_file(dir_->file("music/a.wav"), file, fs::copy_options::overwrite_existing);
  AnalyzeOptions opt;
  (void)analyze_files(*corpus_, {file}, opt);
  const std::string id = id_at("tag/a.wav");
  ASSERT_FALSE(id.empty());
  const std::string before = test::read_bytes(file);
  auto dry = tag_tracks(*corpus_, {file}, {});
  ASSERT_TRUE(dry) << dry.status().message();
  ASSERT_EQ(dry->size(), 1u);
  EXPECT_FALSE((*dry)[0].written);
  EXPECT_EQ((*dry)[0].after.at("key"), codex_key("music/a.wav"));
  EXPECT_EQ(test::read_bytes(file), before) << "a dry run writes nothing";
  TagOptions w;
  w.write = true;
  w.key_notation = "musical";
  auto done = tag_tracks(*corpus_, {file}, w);
  ASSERT_TRUE(done);
  ASSERT_TRUE((*done)[0].written) << (*done)[0].error;
  EXPECT_NE(test::read_bytes(file), before);
  auto same = audio::compute_track_id(file);
  ASSERT_TRUE(same);
  EXPECT_EQ(*same, id);
  EXPECT_EQ(id_at("tag/a.wav"), id);  // the corpus knows the file's new size and time
  auto again = tag_tracks(*corpus_, {file}, w);
  ASSERT_TRUE(again);
  EXPECT_TRUE((*again)[0].after.empty()) << "already up to date";
  EXPECT_FALSE(tag_tracks(*corpus_, {"no-such-track"}, {}));
  TagOptions bad;
  bad.key_notation = "klingon";
  EXPECT_FALSE(tag_tracks(*corpus_, {}, bad));
}

TEST_F(DjImport, HistoryAndCratesSteerRecommendations) {
  // A Traktor history: c after a, in two sets; a crate holding b alone.
  auto entry = [&](const std::string& rel) {
    const interop::TraktorLocation l = interop::traktor_location(interop::normalize_path(dir_->file(rel)));
    return "<ENTRY><PRIMARYKEY TYPE=\"TRACK\" KEY=\"" + l.volume + l.dir + l.file + "\"></PRIMARYKEY></ENTRY>";
  };
  auto nml = [&](const std::string& lists) {
    return R"(<?xml version="1.0" encoding="UTF-8"?><NML VERSION="19"><COLLECTION ENTRIES="0"></COLLECTION><PLAYLISTS>)"
           R"(<NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="1">)" + lists + "</SUBNODES></NODE></PLAYLISTS></NML>";
  };
  auto list = [&](const std::string& name, const std::vector<std::string>& rels) {
    std::string e;
    for (const auto& r : rels) e += entry(r);
    return "<NODE TYPE=\"PLAYLIST\" NAME=\"" + name + "\"><PLAYLIST TYPE=\"LIST\">" + e + "</PLAYLIST></NODE>";
  };
  test::write_bytes(dir_->file("collection.nml"), nml(list("HISTORY 2024-05-01", {"music/a.wav", "music/c.wav"}) +
                                                       list("History 2024-06-01", {"music/b.wav", "music/a.wav", "music/c.wav"}) +
                                                       list("Only B", {"music/b.wav"})));
  auto sum = import_dj_library(*corpus_, dir_->file("collection.nml"));
  ASSERT_TRUE(sum) << sum.status().message();
  EXPECT_EQ(sum->lists["history"], 2u);
  auto lib = load_library(*corpus_);
  ASSERT_TRUE(lib);
  RecommendRequest req;
  req.current = id_at("music/a.wav");
  req.prompt = "what I usually play after this";
  req.top = 2;
  auto r = recommend(*lib, req, corpus_.get());
  ASSERT_TRUE(r) << r.status().message();
  ASSERT_FALSE(r->tracks.empty());
  EXPECT_EQ(r->tracks[0].track_id, id_at("music/c.wav"));
  EXPECT_EQ(r->ranked.results[0].reasons.at(0), "you played it after this in 2 of your sets");
  req.history = false;
  auto without = recommend(*lib, req, corpus_.get());
  ASSERT_TRUE(without);
  EXPECT_TRUE(without->ranked.results.empty() || without->ranked.results[0].reasons.at(0).find("your sets") == std::string::npos);
  req.history = true;
  req.prompt = "";
  req.crate = "Only B";
  auto crate = recommend(*lib, req, corpus_.get());
  ASSERT_TRUE(crate) << crate.status().message();
  for (const auto& t : crate->tracks) EXPECT_EQ(t.track_id, id_at("music/b.wav"));
  req.crate = "No such crate";
  EXPECT_FALSE(recommend(*lib, req, corpus_.get()));
}

TEST_F(DjImport, EachFileIsItsOwnImportAndRelativePathsWork) {
  test::write_bytes(dir_->file("one.m3u"), "music/a.wav\n../" + fs::path(dir_->path()).filename().string() + "/music/c.wav\n");
  test::write_bytes(dir_->file("two.m3u8"), "#EXTM3U\nmusic/b.wav\n");
  // Given relative to where CODEX runs, as a user types them.
  const std::string one = fs::relative(dir_->file("one.m3u")).string(), two = fs::relative(dir_->file("two.m3u8")).string();
  ASSERT_NE(one[0], '/');
  auto a = import_dj_library(*corpus_, one);
  ASSERT_TRUE(a) << a.status().message();
  EXPECT_EQ(a->matched, 2u);
  auto b = import_dj_library(*corpus_, two);
  ASSERT_TRUE(b) << b.status().message();
  EXPECT_EQ(b->matched, 1u);
  auto again = import_dj_library(*corpus_, dir_->file("one.m3u"));  // the same file by another name: replaced
  ASSERT_TRUE(again);
  auto lists = corpus_->dj().lists(true);
  ASSERT_TRUE(lists);
  ASSERT_EQ(lists->size(), 2u) << "a second playlist of the same program does not replace the first";
  EXPECT_EQ(corpus_->dj().members("one")->size(), 2u);
  EXPECT_EQ(corpus_->dj().members("two")->size(), 1u);
}

TEST(DjTerms, CodexCommentKeepsTheDjsOwnWords) {
  EXPECT_EQ(codex_comment("8A", 6, ""), "8A - Energy 6 (CODEX)");
  EXPECT_EQ(codex_comment("8A", 6, "great closer"), "8A - Energy 6 (CODEX) | great closer");
  EXPECT_EQ(codex_comment("9A", 7, "8A - Energy 6 (CODEX) | great closer"), "9A - Energy 7 (CODEX) | great closer");
  EXPECT_EQ(codex_comment("", std::nullopt, "mine"), "mine");
}

TEST(DjTerms, BpmAndKeyComparisons) {
  EXPECT_EQ(bpm_comparison("rekordbox", 87, 174), "Rekordbox 87 BPM, CODEX 174: double");
  EXPECT_EQ(bpm_comparison("serato", 140, 70), "Serato 140 BPM, CODEX 70: half");
  EXPECT_EQ(bpm_comparison("traktor", 128, 128.4), "Traktor 128 BPM, CODEX 128.4: same tempo");
  EXPECT_EQ(bpm_comparison("mixxx", 120, 126), "Mixxx 120 BPM, CODEX 126: differs by +5.0%");
  EXPECT_EQ(key_comparison("traktor", "Am", "8A", "8A"), "Traktor Am, CODEX 8A: same key");
  EXPECT_EQ(key_comparison("rekordbox", "C", "8B", "8A"), "Rekordbox C, CODEX 8A: relative minor");
  EXPECT_EQ(key_comparison("engine", "", "8A", "9A"), "Engine DJ 8A, CODEX 9A: +1 on the wheel");
  EXPECT_TRUE(same_bpm(128, 128.9));
  EXPECT_FALSE(same_bpm(128, 130));
}

// A synthetic analysis: beats every 0.5 s from 0.25 s (120 BPM), bars every 2 s; loudness one value
// a second: a quiet 16-s intro, 32 s loud, a 16-s breakdown, 32 s loud, a quiet 16-s outro.
TEST(DjCues, PhraseCuesSitOnTheDownbeatsOfTheBoundaries) {
  nlohmann::json beats = nlohmann::json::array(), downs = nlohmann::json::array(), env = nlohmann::json::array();
  for (int i = 0; i < 224; ++i) {
    beats.push_back(0.25 + 0.5 * i);
    if (i % 4 == 0) downs.push_back(0.25 + 0.5 * i);
  }
  for (int s = 0; s < 112; ++s) env.push_back(s < 16 ? -30.0 : s < 48 ? -10.0 : s < 64 ? -24.0 : s < 96 ? -10.0 : -30.0);
  const nlohmann::json analyses = {
      {"tempo", {{"result", {{"bpm", 120.0}, {"beats", beats}, {"downbeats", downs},
                             {"beat_grid", {{"steady", true}, {"first_beat_s", 0.25}, {"bpm", 120.0}}}}}}},
      {"energy", {{"result", {{"envelope_db", env}, {"envelope_hop_s", 1.0}}}}}};
  const GridAndCues gc = grid_and_cues(analyses);
  ASSERT_EQ(gc.grid.size(), 1u);
  EXPECT_DOUBLE_EQ(gc.grid[0].position_s, 0.25);
  EXPECT_DOUBLE_EQ(gc.grid[0].bpm, 120.0);
  std::map<std::string, double> at;
  for (const auto& c : gc.cues) at[c.name] = c.position_s;
  EXPECT_DOUBLE_EQ(at["Start"], 0.25);
  EXPECT_DOUBLE_EQ(at["Intro end"], 16.25);
  EXPECT_DOUBLE_EQ(at["Breakdown"], 48.25);
  EXPECT_DOUBLE_EQ(at["Drop"], 64.25);
  EXPECT_DOUBLE_EQ(at["Outro"], 96.25);
  for (const auto& c : gc.cues) EXPECT_TRUE(c.color.has_value());
  // No pulse: no grid and no cues.
  EXPECT_TRUE(grid_and_cues({{"tempo", {{"result", {{"bpm", 0}}}}}}).cues.empty());
  EXPECT_TRUE(grid_and_cues(nlohmann::json::object()).grid.empty());
}

}  // namespace
}  // namespace codex::library
