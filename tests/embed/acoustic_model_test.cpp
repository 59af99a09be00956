// codex-embed's acoustic block: the InfoNCE gradients against finite differences, training that is
// repeatable from its seed and learns what tracks have in common, the summary fallback (never
// zeros), and model files: round trip, and every malformed file refused with a reason.
#include "codex/embed/acoustic_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "codex/core/dot.h"
#include "codex/embed/train.h"
#include "support/test_util.h"

namespace codex::embed {
namespace {

MlpParams random_params(int in, int hidden, int out, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> n(0.0f, 0.5f);
  MlpParams p;
  p.in = in, p.hidden = hidden, p.out = out;
  for (auto* v : {&p.w1, &p.b1, &p.w2, &p.b2}) v->clear();
  p.w1.resize(static_cast<size_t>(hidden) * in);
  p.b1.resize(static_cast<size_t>(hidden));
  p.w2.resize(static_cast<size_t>(out) * hidden);
  p.b2.resize(static_cast<size_t>(out));
  for (auto* v : {&p.w1, &p.b1, &p.w2, &p.b2}) {
    for (float& x : *v) x = n(rng);
  }
  return p;
}

TEST(InfoNce, GradientsMatchFiniteDifferences) {
  const int in = 6, hidden = 9, out = 5, batch = 7;
  for (uint64_t seed : {1, 2, 3}) {
    MlpParams p = random_params(in, hidden, out, seed);
    std::mt19937_64 rng(seed + 100);
    std::normal_distribution<float> n(0.0f, 1.0f);
    std::vector<float> xa(static_cast<size_t>(batch) * in), xb(xa.size());
    for (float& x : xa) x = n(rng);
    for (size_t i = 0; i < xb.size(); ++i) xb[i] = xa[i] + 0.5f * n(rng);
    MlpParams g;
    g.zero_like(p);
    info_nce(p, xa.data(), xb.data(), batch, 0.5f, &g);
    int checked = 0;
    double worst = 0;
    const std::vector<std::pair<std::vector<float>*, std::vector<float>*>> pairs = {
        {&p.w1, &g.w1}, {&p.b1, &g.b1}, {&p.w2, &g.w2}, {&p.b2, &g.b2}};
    for (auto [w, gw] : pairs) {
      for (size_t i = 0; i < w->size(); ++i) {
        const float keep = (*w)[i], h = 1e-3f;
        (*w)[i] = keep + h;
        const double up = info_nce(p, xa.data(), xb.data(), batch, 0.5f, nullptr);
        (*w)[i] = keep - h;
        const double down = info_nce(p, xa.data(), xb.data(), batch, 0.5f, nullptr);
        (*w)[i] = keep;
        const double numeric = (up - down) / (2.0 * h), analytic = (*gw)[i];
        const double err = std::fabs(numeric - analytic) / std::max(1e-2, std::fabs(numeric) + std::fabs(analytic));
        worst = std::max(worst, err);
        EXPECT_LT(err, 2e-2) << "parameter " << i << ": numeric " << numeric << ", analytic " << analytic;
        ++checked;
      }
    }
    EXPECT_EQ(checked, in * hidden + hidden + hidden * out + out);
    EXPECT_LT(worst, 2e-2);
  }
}

TEST(InfoNce, LossIsLowWhenViewsAgreeAndChanceWhenTheyDoNot) {
  MlpParams p = random_params(4, 16, 8, 5);
  std::mt19937_64 rng(9);
  std::normal_distribution<float> n(0.0f, 1.0f);
  const int batch = 16;
  std::vector<float> xa(batch * 4), same, other(batch * 4);
  for (float& x : xa) x = n(rng);
  for (float& x : other) x = n(rng);
  same = xa;
  EXPECT_LT(info_nce(p, xa.data(), same.data(), batch, 0.05f, nullptr),
            info_nce(p, xa.data(), other.data(), batch, 0.05f, nullptr));
}

// Tracks with a hidden identity: each window is the track's own point plus noise.
std::vector<TrainTrack> synthetic_library(size_t tracks, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> n(0.0f, 1.0f);
  std::vector<TrainTrack> out(tracks);
  for (auto& t : out) {
    std::vector<float> centre(kSummaryDims);
    for (float& c : centre) c = 3.0f * n(rng);
    for (int w = 0; w < 4; ++w) {
      for (int d = 0; d < kSummaryDims; ++d) t.windows.push_back(centre[d] + 1.5f * n(rng));
    }
  }
  return out;
}

TEST(TrainAcoustic, SameSeedSameModelAndItLearns) {
  const auto lib = synthetic_library(64, 1);
  TrainOptions o;
  o.min_tracks = 8;
  o.steps = 120;
  o.hidden = 32;
  o.batch = 32;
  auto a = train_acoustic(lib, o), b = train_acoustic(lib, o);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->id(), b->id()) << "deterministic from the seed";
  EXPECT_TRUE(a->is_learned());
  o.seed = 2;
  auto c = train_acoustic(lib, o);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->id(), c->id());
  // The first and last windows of a track find each other far above chance (1/64).
  EXPECT_GT(a->info().window_top1, 0.5);
  EXPECT_EQ(a->info().trained_tracks, 64u);
  EXPECT_EQ(a->info().trained_windows, 256u);
  const auto v = a->embed(lib[0].windows.data());
  ASSERT_EQ(v.size(), static_cast<size_t>(kAcousticDims));
  EXPECT_NEAR(dot_product(v.data(), v.data(), kAcousticDims), 1.0f, 1e-4f);
}

TEST(TrainAcoustic, PartnersArePositivesAndBadPartnerIndicesAreIgnored) {
  // Pairs of tracks the DJ keeps together, each partner half its own, half its pair's sound: with
  // partner positives, a track's nearest other track is its partner more often than without (the
  // pairs share little: a third of their sound).
  std::mt19937_64 rng(11);
  std::normal_distribution<float> n(0.0f, 1.0f);
  std::vector<TrainTrack> lib(64);
  std::vector<std::vector<float>> pair_centre(32, std::vector<float>(kSummaryDims));
  for (auto& c : pair_centre) {
    for (float& x : c) x = 2.0f * n(rng);
  }
  for (size_t t = 0; t < lib.size(); ++t) {
    std::vector<float> own(kSummaryDims);
    for (int d = 0; d < kSummaryDims; ++d) own[d] = 0.6f * pair_centre[t / 2][d] + 2.0f * n(rng);
    for (int w = 0; w < 3; ++w) {
      for (int d = 0; d < kSummaryDims; ++d) lib[t].windows.push_back(own[d] + 0.5f * n(rng));
    }
    lib[t].partners = {static_cast<uint32_t>(t ^ 1u), 9999u, static_cast<uint32_t>(t)};  // out of range, itself: ignored
  }
  TrainOptions o;
  o.min_tracks = 8;
  o.steps = 200;
  o.hidden = 64;
  o.batch = 32;
  o.group_positive = 0.5;
  auto with = train_acoustic(lib, o);
  o.group_positive = 0.0;
  auto without = train_acoustic(lib, o);
  ASSERT_TRUE(with.ok() && without.ok());
  auto partner_found = [&](const AcousticModel& m) {
    size_t hits = 0;
    for (size_t t = 0; t < lib.size(); ++t) {
      const auto q = m.embed(lib[t].windows.data());
      float best = -2;
      size_t arg = t;
      for (size_t u = 0; u < lib.size(); ++u) {
        if (u == t) continue;
        const auto v = m.embed(lib[u].windows.data() + kSummaryDims);
        const float s = dot_product(q.data(), v.data(), kAcousticDims);
        if (s > best) best = s, arg = u;
      }
      hits += arg == (t ^ 1u);
    }
    return hits;
  };
  const size_t a = partner_found(*with), b = partner_found(*without);
  std::printf("partner found first: %zu of 64 with partner positives, %zu without\n", a, b);
  EXPECT_GT(a, b);
}

TEST(TrainAcoustic, RefusesTooSmallALibraryAndStopsWhenAsked) {
  TrainOptions o;
  EXPECT_FALSE(train_acoustic(synthetic_library(99, 1), o).ok()) << "fewer than kMinTrainTracks";
  o.min_tracks = 8;
  EXPECT_FALSE(train_acoustic(synthetic_library(5, 1), o).ok());
  std::vector<TrainTrack> broken(10);
  for (auto& t : broken) t.windows.assign(kSummaryDims + 3, 0.0f);  // not whole windows: skipped
  EXPECT_FALSE(train_acoustic(broken, o).ok());
  o.min_tracks = 0;
  EXPECT_FALSE(train_acoustic({}, o).ok()) << "nothing to learn from, whatever the minimum";
  o.min_tracks = 8;
  // A hidden layer wider than a model file may hold is narrowed: what is saved loads.
  {
    TrainOptions wide = o;
    wide.hidden = 100000;
    wide.steps = 2;
    wide.batch = 8;
    auto m = train_acoustic(synthetic_library(10, 4), wide);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->hidden(), 4096);
  }
  int calls = 0;
  o.steps = 1000;
  o.hidden = 16;
  o.progress = [&](int step, int, double) {
    ++calls;
    return step < 20;
  };
  auto m = train_acoustic(synthetic_library(20, 2), o);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(calls, 2);
}

TEST(SummaryFallback, StandardisedNeverZerosAndConstantDimensionsCarryNothing) {
  std::vector<float> rows;
  for (int i = 0; i < 10; ++i) {
    for (int d = 0; d < kSummaryDims; ++d) rows.push_back(d == 0 ? 5.0f : static_cast<float>(i * d % 7));
  }
  const AcousticModel m = AcousticModel::summary(fit_standardiser(rows.data(), 10));
  EXPECT_FALSE(m.is_learned());
  EXPECT_EQ(m.standardiser().scale[0], 0.0f);
  const auto v = m.embed(&rows[kSummaryDims * 3]);
  EXPECT_NEAR(dot_product(v.data(), v.data(), kAcousticDims), 1.0f, 1e-4f);
  EXPECT_EQ(v[0], 0.0f);
  std::vector<float> wild(kSummaryDims, 1e30f);
  for (float x : m.standardise(wild.data())) EXPECT_LE(std::fabs(x), 4.0f) << "clipped";
}

TEST(ModelFile, RoundTripAndMalformedFiles) {
  test::TempDir dir;
  TrainOptions o;
  o.min_tracks = 8;
  o.steps = 20;
  o.hidden = 12;
  auto m = train_acoustic(synthetic_library(16, 3), o);
  ASSERT_TRUE(m.ok());
  const std::string path = dir.file("m.cxm");
  ASSERT_TRUE(m->save(path).ok());
  auto back = AcousticModel::load(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->id(), m->id());
  std::vector<float> x(kSummaryDims, 0.3f);
  EXPECT_EQ(back->embed(x.data()), m->embed(x.data()));
  EXPECT_EQ(back->info().trained_tracks, 16u);

  const std::string good = test::read_bytes(path);
  auto refused = [&](std::string bytes, const std::string& why) {
    const std::string p = dir.file("bad.cxm");
    test::write_bytes(p, bytes);
    auto r = AcousticModel::load(p);
    EXPECT_FALSE(r.ok()) << "accepted: " << why;
    if (!r.ok()) {
      EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
    }
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_NE(refused("", "empty").find("not a codex-embed model"), std::string::npos);
  EXPECT_NE(refused("CDXEMBEX" + good.substr(8), "magic").find("not a codex-embed model"), std::string::npos);
  std::string v2 = good;
  v2[8] = 2;
  EXPECT_NE(refused(v2, "version").find("format version 2"), std::string::npos);
  std::string shape = good;
  shape[12] = 91;
  EXPECT_NE(refused(shape, "shape").find("shape 91-"), std::string::npos);
  EXPECT_NE(refused(good.substr(0, good.size() / 2), "truncated").find("truncated"), std::string::npos);
  EXPECT_NE(refused(good + "x", "extra").find("extra bytes"), std::string::npos);
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x40;
  EXPECT_NE(refused(flipped, "flipped").find("checksum"), std::string::npos);
  EXPECT_FALSE(AcousticModel::load(dir.file("absent.cxm")).ok());
}

}  // namespace
}  // namespace codex::embed
