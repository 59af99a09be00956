// Giving records their acoustic block: the summary fallback from the library's own statistics,
// a learned model's space, blocks of another space dropped (they cannot be compared) unless the
// whole library is an import of one space; and the library's directions for energy and vibe,
// which move a prompt's query in the acoustic block.
#include "codex/library/embedding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "codex/core/dot.h"
#include "codex/core/half.h"

namespace codex::library {
namespace {

schema::TrackRecord with_summary(const std::string& id, const std::vector<float>& summary) {
  schema::TrackRecord r;
  r.track_id = id;
  r.extra["acoustic_summary"] = halves_base64(summary);
  return r;
}

std::vector<float> summary(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> n(0.0f, 1.0f);
  std::vector<float> v(embed::kSummaryDims);
  for (float& x : v) x = n(rng);
  return v;
}

TEST(AttachAcoustic, TheFallbackStandardisesWithTheLibrarysStatistics) {
  std::vector<schema::TrackRecord> recs;
  for (int i = 0; i < 6; ++i) recs.push_back(with_summary("t" + std::to_string(i), summary(i)));
  recs.push_back(schema::TrackRecord{});  // no summary: no block
  attach_acoustic(recs, nullptr);
  std::string space;
  for (int i = 0; i < 6; ++i) {
    const auto v = embed::acoustic_of(recs[i]);
    ASSERT_EQ(v.size(), static_cast<size_t>(embed::kAcousticDims));
    EXPECT_NEAR(dot_product(v.data(), v.data(), embed::kAcousticDims), 1.0f, 2e-3f);
    const std::string m = recs[i].extra["acoustic"]["model"];
    EXPECT_EQ(m.rfind("summary-", 0), 0u);
    if (i > 0) {
      EXPECT_EQ(m, space) << "one space for the library";
    }
    space = m;
  }
  EXPECT_TRUE(embed::acoustic_of(recs[6]).empty());
  // The block is the standardised summary: two tracks that differ only in scale-free ways agree.
  const embed::Vector a = embed::embed_record(recs[0]);
  EXPECT_NE(a[embed::kAcousticOffset], 0.0f);
}

TEST(AttachAcoustic, ALearnedSpaceAndForeignBlocks) {
  std::vector<float> rows;
  for (int i = 0; i < 10; ++i) {
    const auto s = summary(100 + i);
    rows.insert(rows.end(), s.begin(), s.end());
  }
  const embed::AcousticModel model = embed::AcousticModel::summary(embed::fit_standardiser(rows.data(), 10));
  std::vector<schema::TrackRecord> recs = {with_summary("a", summary(1)), with_summary("b", summary(2))};
  schema::TrackRecord foreign;
  foreign.track_id = std::string("c");
  std::vector<float> block = summary(3);
  block.resize(embed::kAcousticDims, 0.5f);
  foreign.extra["acoustic"] = {{"model", "codex-embed-elsewhere"}, {"vector", halves_base64(block)}};
  recs.push_back(foreign);
  attach_acoustic(recs, &model);
  EXPECT_EQ(recs[0].extra["acoustic"]["model"], model.id());
  EXPECT_EQ(recs[1].extra["acoustic"]["model"], model.id());
  EXPECT_FALSE(recs[2].extra.contains("acoustic")) << "another space's vector is not comparable: dropped";

  // A library of imports only, all of one space: their blocks are what there is, and are kept.
  std::vector<schema::TrackRecord> imported = {foreign, foreign};
  imported[1].track_id = std::string("d");
  attach_acoustic(imported, nullptr);
  EXPECT_EQ(imported[0].extra["acoustic"]["model"], "codex-embed-elsewhere");
  EXPECT_EQ(embed::acoustic_of(imported[1]).size(), 96u);
  // A value under "acoustic" that is not a block is somebody else's field: kept, never read.
  std::vector<schema::TrackRecord> theirs = {with_summary("e", summary(5)), with_summary("f", summary(6))};
  theirs[0].extra["acoustic"] = "recorded in a church";
  attach_acoustic(theirs, nullptr);
  EXPECT_EQ(theirs[0].extra["acoustic"], "recorded in a church");
  EXPECT_TRUE(embed::acoustic_of(theirs[0]).empty());
  EXPECT_EQ(embed::acoustic_of(theirs[1]).size(), 96u);
  // A malformed block is dropped, never read as zeros.
  imported[0].extra["acoustic"]["vector"] = "not base64!";
  EXPECT_TRUE(embed::acoustic_of(imported[0]).empty());
}

TEST(AcousticDirections, EnergyAndVibeDirectionsComeFromTheLibraryAndSteerTheQuery) {
  std::vector<schema::TrackRecord> recs;
  std::mt19937_64 rng(4);
  std::normal_distribution<float> n(0.0f, 0.3f);
  for (int i = 0; i < 40; ++i) {
    schema::TrackRecord r;
    r.track_id = "t" + std::to_string(i);
    const int energy = 1 + i % 10;
    r.energy = energy;
    r.vibe = i % 2 ? schema::Vibe::named("dark") : schema::Vibe::named("bright");
    std::vector<float> v(96);
    for (float& x : v) x = n(rng);
    v[0] += 0.3f * static_cast<float>(energy - 5);  // louder tracks lie along dimension 0
    v[1] += i % 2 ? 1.0f : -1.0f;                    // dark ones along dimension 1
    r.extra["acoustic"] = {{"model", "summary-x"}, {"vector", halves_base64(v)}};
    recs.push_back(r);
  }
  const embed::AcousticDirections d = acoustic_directions(recs);
  ASSERT_EQ(d.energy.size(), 96u);
  EXPECT_GT(d.energy[0], 0.8f);
  const auto dark = d.vibe[schema::Vibe::named("dark").index()];
  ASSERT_EQ(dark.size(), 96u);
  EXPECT_GT(dark[1], 0.8f);
  EXPECT_TRUE(d.vibe[schema::Vibe::named("euphoric").index()].empty()) << "no euphoric track: no direction";

  // "darker" moves the query along the dark direction in the acoustic block.
  prompt::Intent in;
  in.vibe = "dark";
  const embed::Vector dir = embed::intent_direction(in, recs[0], &d);
  EXPECT_GT(dir[embed::kAcousticOffset + 1], 0.0f);
  const embed::Vector none = embed::intent_direction(in, recs[0], nullptr);
  EXPECT_EQ(none[embed::kAcousticOffset + 1], 0.0f);
  // Too few tracks to tell: no directions.
  recs.resize(5);
  EXPECT_TRUE(acoustic_directions(recs).energy.empty());
}

}  // namespace
}  // namespace codex::library
