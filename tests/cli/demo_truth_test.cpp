// The demo library against the ground truth it was synthesised from (ground_truth.json): the answers
// CODEX gives must stay where they are today, within tolerances that mean something. Synthesised
// music proves the code, not accuracy on real songs (that is ../shared/bench and DevSet's test).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/run_codex.h"
#include "support/test_util.h"

namespace codex {
namespace {

using nlohmann::json;
using test::CmdResult;
using test::run_codex;

std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  for (size_t i = 0; i < v.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    for (size_t k = i; k <= j; ++k) r[order[k]] = (static_cast<double>(i) + static_cast<double>(j)) / 2;
    i = j + 1;
  }
  return r;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  const auto ra = ranks(a), rb = ranks(b);
  double ma = 0, mb = 0;
  for (size_t i = 0; i < ra.size(); ++i) ma += ra[i], mb += rb[i];
  ma /= static_cast<double>(ra.size());
  mb /= static_cast<double>(rb.size());
  double c = 0, sa = 0, sb = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    c += (ra[i] - ma) * (rb[i] - mb);
    sa += (ra[i] - ma) * (ra[i] - ma);
    sb += (rb[i] - mb) * (rb[i] - mb);
  }
  return c / std::sqrt(sa * sb);
}

TEST(DemoTruth, TempoKeySectionsEnergyAndVocalsMatchWhatWasSynthesised) {
  test::TempDir dir;
  const CmdResult demo = run_codex({"demo", "--dir", dir.file("demo"), "--tracks", "32", "-j", "2"});
  ASSERT_EQ(demo.status, 0) << demo.err;
  const CmdResult exported = run_codex({"export", "--db", dir.file("demo") + "/corpus.db"});
  ASSERT_EQ(exported.status, 0) << exported.err;
  const json truth = json::parse(test::read_bytes(dir.file("demo") + "/ground_truth.json"));
  ASSERT_EQ(truth.size(), 32u);
  std::map<std::string, json> by_name;
  for (const auto& t : truth) by_name[t["artist"].get<std::string>() + " - " + t["title"].get<std::string>()] = t;

  int tempo_ok = 0, key_ok = 0, sections_ok = 0, female_heard = 0, female = 0, records = 0;
  std::vector<double> design, measured;
  std::istringstream lines(exported.out);
  for (std::string line; std::getline(lines, line);) {
    const json r = json::parse(line);
    const auto it = by_name.find(r["artist"].get<std::string>() + " - " + r["title"].get<std::string>());
    ASSERT_NE(it, by_name.end()) << line.substr(0, 120);
    const json& t = it->second;
    ++records;
    const std::string name = it->first;
    // Tempo: the design tempo to half a BPM; a track built without a steady beat has none.
    if (t["bpm"].is_null()) {
      tempo_ok += r["bpm"].is_null();
    } else if (r["bpm"].is_number() && std::fabs(r["bpm"].get<double>() - t["bpm"].get<double>()) <= 0.5) {
      ++tempo_ok;
    } else {
      ADD_FAILURE() << name << ": " << r["bpm"] << " BPM, built at " << t["bpm"];
    }
    // Key: the Camelot key it was written in.
    if (r["key"] == t["camelot"]) {
      ++key_ok;
    } else {
      ADD_FAILURE() << name << ": " << r["key"] << ", written in " << t["camelot"];
    }
    // Sections: as many as were built (their names differ: "main" is heard as "instrumental" or "drop").
    sections_ok += r["structure"].size() == t["sections"].size();
    // Energy: compared in order (Spearman) and in level below.
    design.push_back(t["energy_design"].get<double>());
    measured.push_back(r["energy"].get<double>());
    if (t["vocal_presence"] == "female") {
      ++female;
      female_heard += r["vocal_presence"] == "female";
    }
  }
  ASSERT_EQ(records, 32);
  EXPECT_EQ(tempo_ok, 32);
  EXPECT_EQ(key_ok, 32);
  // Today 30 of 32 (two three-part tracks lose their intro or outro); 28 leaves room for a one-bar shift.
  EXPECT_GE(sections_ok, 28);
  // Energy follows the design in order (today 0.82) but sits about 2 points lower on the 1-10 scale
  // (today -2.1 on average): real recordings calibrate it, and these renders are quieter and sparser.
  EXPECT_GE(spearman(design, measured), 0.75);
  double offset = 0;
  for (size_t i = 0; i < design.size(); ++i) offset += measured[i] - design[i];
  offset /= static_cast<double>(design.size());
  EXPECT_GT(offset, -2.6);
  EXPECT_LT(offset, 0.5);
  // Sung female vocals are heard on every such track (the rapped and sung male vocals of the demo
  // are not yet: a known gap, not asserted).
  EXPECT_EQ(female_heard, female);
  EXPECT_GE(female, 8);
}

}  // namespace
}  // namespace codex
