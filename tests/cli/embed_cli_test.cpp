// The acoustic embedding through the real binary: probe --embedding in a corpus's space, train
// embed (refused on too small a library, repeatable from its seed), models, export --embeddings
// and an import that keeps the vectors, and a damaged model file reported in one line.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "codex/core/half.h"
#include "codex/demo/synth.h"
#include "support/run_codex.h"
#include "support/test_util.h"

namespace codex {
namespace {

namespace fs = std::filesystem;
using test::CmdResult;
using test::run_codex;

class EmbedCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    fs::create_directories(dir_->file("music"));
    // Twelve 16-s tracks (two windows each) of different tempo, key and brightness.
    for (int i = 0; i < 12; ++i) {
      demo::TrackSpec s;
      s.bpm = 110 + 4 * i;
      s.key = music::Key{i % 12, i % 2 == 0};
      s.brightness = 0.1 + 0.07 * i;
      s.seconds = 16;
      s.intro_bars = 0;
      s.breakdown = false;
      s.seed = static_cast<uint64_t>(i + 1);
      const auto r = demo::render_track(s, 44100);
      test::write_audio(dir_->file("music/t" + std::to_string(i) + ".flac"), r.samples, 2, 44100, audio::Format::kFlac,
                        {{"title", "T" + std::to_string(i)}, {"artist", "A" + std::to_string(i % 3)}});
    }
    const CmdResult r = run_codex({"analyze", "--db", dir_->file("lib.db"), dir_->file("music")});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  // A fresh copy of the analysed corpus (and no model) for each test.
  void SetUp() override {
    db = work.file("lib.db");
    fs::copy_file(dir_->file("lib.db"), db);
  }
  static std::vector<float> vector_of(const nlohmann::json& e) {
    return halves_from_base64(e["vector"].get<std::string>()).value();
  }
  static test::TempDir* dir_;
  test::TempDir work;
  std::string db;
};
test::TempDir* EmbedCli::dir_ = nullptr;

double norm(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return std::sqrt(s);
}

TEST_F(EmbedCli, ProbePrintsTheEmbeddingInTheCorpusSpace) {
  CmdResult r = run_codex({"probe", "--embedding", "--db", work.file("empty.db"), dir_->file("music/t3.flac")});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(test::line_count(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("no embedding space"), std::string::npos) << r.err;

  r = run_codex({"probe", "--embedding", "--db", db, dir_->file("music/t3.flac")});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.contains("embedding"));
  EXPECT_EQ(j["embedding"]["dims"], 384);
  EXPECT_EQ(j["embedding"]["vector"].size(), 384u);
  EXPECT_EQ(j["embedding"]["acoustic"].size(), 96u);
  EXPECT_EQ(j["embedding"]["model"].get<std::string>().rfind("codex-384/summary-", 0), 0u);
  EXPECT_NEAR(norm(j["embedding"]["acoustic"].get<std::vector<float>>()), 1.0, 1e-3) << "never zeros";
  EXPECT_FALSE(j["analysis"]["acoustic"].contains("windows")) << "the windows stay out of probe's output";
  EXPECT_TRUE(j["analysis"]["acoustic"].contains("track"));
}

TEST_F(EmbedCli, TrainRefusesASmallLibraryThenLearnsRepeatablyAndModelsListsIt) {
  CmdResult r = run_codex({"train", "embed", "--db", db});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(test::line_count(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("too few tracks"), std::string::npos) << r.err;
  r = run_codex({"models", "--db", db});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("No models"), std::string::npos) << r.out;

  r = run_codex({"train", "embed", "--db", db, "--min-tracks", "8", "--steps", "40", "--hidden", "32", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto trained = nlohmann::json::parse(r.out);
  const std::string id = trained["id"];
  EXPECT_EQ(id.rfind("codex-embed-", 0), 0u);
  EXPECT_EQ(trained["trained_tracks"], 12);
  EXPECT_EQ(trained["trained_windows"], 24);
  EXPECT_TRUE(fs::exists(work.file("models/lib.db.embed.cxm")));

  r = run_codex({"models", "--db", db, "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto models = nlohmann::json::parse(r.out);
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0]["id"], id);
  EXPECT_EQ(models[0]["active"], true);
  EXPECT_EQ(models[0]["shape"], nlohmann::json::parse("[90, 32, 96]"));

  // The same seed on the same library: the same model.
  r = run_codex({"train", "embed", "--db", db, "--min-tracks", "8", "--steps", "40", "--hidden", "32", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["id"], id);

  // probe, export and recommend use it.
  r = run_codex({"probe", "--embedding", "--db", db, dir_->file("music/t3.flac")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["embedding"]["model"], "codex-384/" + id);
  r = run_codex({"export", "--embeddings", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  size_t n = 0;
  while (std::getline(lines, line)) {
    const auto rec = nlohmann::json::parse(line);
    ASSERT_TRUE(rec.contains("embedding")) << line;
    EXPECT_EQ(rec["embedding"]["model"], "codex-384/" + id);
    const auto v = vector_of(rec["embedding"]);
    ASSERT_EQ(v.size(), 384u);
    EXPECT_NEAR(norm(v), 1.0, 2e-3);
    EXPECT_EQ(rec["acoustic"]["model"], id);
    EXPECT_TRUE(rec.contains("acoustic_summary"));
    ++n;
  }
  EXPECT_EQ(n, 12u);
  r = run_codex({"export", "--db", db});
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.out.find("\"embedding\""), std::string::npos) << "only when asked";
  EXPECT_EQ(r.out.find("\"acoustic\":"), std::string::npos) << "the space's block only with the embeddings";
  EXPECT_NE(r.out.find("\"acoustic_summary\""), std::string::npos) << "the summary always travels";
  r = run_codex({"recommend", "--db", db, "--current", "T3", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(nlohmann::json::parse(r.out)["results"].empty());
}

TEST_F(EmbedCli, AnExportedCorpusKeepsItsVectorsWithoutAudio) {
  CmdResult r = run_codex({"export", "--embeddings", "--db", db, "-o", work.file("lib.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string other = work.file("other/imported.db");
  fs::create_directories(work.file("other"));
  r = run_codex({"import", "--db", other, work.file("lib.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_codex({"export", "--embeddings", "--db", other});
  ASSERT_EQ(r.status, 0) << r.err;
  // The imported corpus has the summaries, so it places them in its own space (its statistics are
  // those of the same twelve tracks): the same vectors.
  std::map<std::string, std::vector<float>> before, after;
  auto read = [&](const std::string& text, std::map<std::string, std::vector<float>>* out) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      const auto rec = nlohmann::json::parse(line);
      (*out)[rec["track_id"]] = vector_of(rec["acoustic"]);
    }
  };
  read(test::read_bytes(work.file("lib.jsonl")), &before);
  read(r.out, &after);
  ASSERT_EQ(before.size(), 12u);
  ASSERT_EQ(after.size(), 12u);
  for (const auto& [id, v] : before) {
    ASSERT_EQ(after[id].size(), v.size());
    for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(after[id][i], v[i], 2e-3) << id << " " << i;
  }
}

TEST_F(EmbedCli, AlbumsAndSetsGiveTracksPartners) {
  // Two tracks played one after the other in a set are partners; nothing else is.
  ASSERT_EQ(run_codex({"recommend", "--db", db, "--session", "friday", "--current", "T1"}).status, 0);
  ASSERT_EQ(run_codex({"recommend", "--db", db, "--session", "friday", "--current", "T2"}).status, 0);
  CmdResult r = run_codex({"train", "embed", "--db", db, "--min-tracks", "8", "--steps", "10", "--hidden", "16", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["partnered_tracks"], 2);
}

TEST_F(EmbedCli, TheSameLibraryAnalysedInAnotherOrderTrainsTheSameModel) {
  const std::string again = work.file("again.db");
  CmdResult r = run_codex({"analyze", "--jobs", "1", "--db", again, dir_->file("music")});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string ids[2];
  int k = 0;
  for (const std::string& d : {db, again}) {
    r = run_codex({"train", "embed", "--db", d, "--min-tracks", "8", "--steps", "20", "--hidden", "16", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    ids[k++] = nlohmann::json::parse(r.out)["id"];
  }
  EXPECT_EQ(ids[0], ids[1]);
}

TEST_F(EmbedCli, ProbeRefusesAcousticParametersWithTheEmbeddingAndKeepsOthersFields) {
  CmdResult r = run_codex({"probe", "--embedding", "--param", "acoustic.hop=512", "--db", db, dir_->file("music/t1.flac")});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(test::line_count(r.err), 1u) << r.err;
  // Somebody else's "acoustic" field survives import and export untouched.
  r = run_codex({"export", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json theirs = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
  theirs["acoustic"] = "recorded in a church";
  test::write_bytes(work.file("theirs.jsonl"), theirs.dump() + "\n");
  const std::string other = work.file("theirs.db");
  ASSERT_EQ(run_codex({"import", "--db", other, work.file("theirs.jsonl")}).status, 0);
  r = run_codex({"export", "--db", other});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["acoustic"], "recorded in a church");
}

TEST_F(EmbedCli, ADamagedModelIsOneLineAndModelsSaysWhy) {
  fs::create_directories(work.file("models"));
  test::write_bytes(work.file("models/lib.db.embed.cxm"), "CDXEMBED\x01\x00\x00\x00garbage");
  CmdResult r = run_codex({"recommend", "--db", db, "--current", "T3"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(test::line_count(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("codex train embed"), std::string::npos) << r.err;
  r = run_codex({"models", "--db", db});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("unreadable"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace codex
