#include "codex/index/vector_index.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "codex/demo/synth.h"
#include "codex/embed/feature_embedding.h"

namespace codex::index {
namespace {

// Clustered unit vectors (like track embeddings: genres and tempi form clusters).
std::vector<std::vector<float>> data(size_t n, int dims, uint64_t seed) {
  demo::Rng rng(seed);
  std::vector<std::vector<float>> centres(20, std::vector<float>(static_cast<size_t>(dims)));
  for (auto& c : centres) {
    for (auto& x : c) x = rng.noise();
  }
  std::vector<std::vector<float>> out(n, std::vector<float>(static_cast<size_t>(dims)));
  for (auto& v : out) {
    const auto& c = centres[rng.next() % centres.size()];
    double norm = 0;
    for (int d = 0; d < dims; ++d) {
      v[d] = c[d] + 0.35f * rng.noise();
      norm += v[d] * v[d];
    }
    for (auto& x : v) x = static_cast<float>(x / std::sqrt(norm));
  }
  return out;
}

TEST(ExactIndex, FindsTheBestAndHonoursTheFilter) {
  auto idx = make_exact_index(3);
  const float a[] = {1, 0, 0}, b[] = {0, 1, 0}, c[] = {0.8f, 0.6f, 0};
  idx->add(10, a);
  idx->add(11, b);
  idx->add(12, c);
  const float q[] = {1, 0, 0};
  auto hits = idx->search(q, 2);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].id, 10u);
  EXPECT_EQ(hits[1].id, 12u);
  hits = idx->search(q, 5, [](uint32_t id) { return id != 10; });
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].id, 12u);
  EXPECT_TRUE(idx->search(q, 3, [](uint32_t) { return false; }).empty());
}

// The same vectors in an exact and a compact index, ids = positions.
std::pair<std::unique_ptr<VectorIndex>, std::unique_ptr<VectorIndex>> exact_and_compact(
    const std::vector<std::vector<float>>& vecs, int dims) {
  auto exact = make_exact_index(dims);
  auto compact = make_compact_index(dims);
  for (uint32_t i = 0; i < vecs.size(); ++i) {
    exact->add(i, vecs[i].data());
    compact->add(i, vecs[i].data());
  }
  return {std::move(exact), std::move(compact)};
}

TEST(SearchAmong, ScansOnlyTheCandidatesInEveryIndex) {
  const int dims = 16;
  const auto vecs = data(400, dims, 5);
  auto [exact, compact] = exact_and_compact(vecs, dims);
  std::vector<uint32_t> ids;
  for (uint32_t i = 0; i < 400; i += 7) ids.push_back(i);
  ids.push_back(9999);  // not in the index: ignored
  const auto want = exact->search_among(vecs[3].data(), 5, ids);
  ASSERT_EQ(want.size(), 5u);
  for (const auto& h : want) EXPECT_EQ(h.id % 7, 0u);
  for (const VectorIndex* idx : {compact.get()}) {
    const auto got = idx->search_among(vecs[3].data(), 5, ids);
    ASSERT_EQ(got.size(), 5u);
    for (size_t k = 0; k < 5; ++k) EXPECT_EQ(got[k].id, want[k].id);
  }
  // Asking for more than there are gives all of them, best first.
  const auto all = exact->search_among(vecs[3].data(), 1000, ids);
  EXPECT_EQ(all.size(), ids.size() - 1);
  for (size_t k = 1; k < all.size(); ++k) EXPECT_GE(all[k - 1].score, all[k].score);
  EXPECT_TRUE(exact->search_among(vecs[3].data(), 5, {}).empty());
}

TEST(CompactIndex, AgreesWithExactOnLargeCandidateSets) {
  // The 8-bit pass keeps 4k candidates; on clustered unit vectors the true top 10 survive it.
  const int dims = embed::kDims;
  const auto vecs = data(6000, dims, 9);
  auto [exact, compact] = exact_and_compact(vecs, dims);
  std::vector<uint32_t> ids;
  for (uint32_t i = 0; i < vecs.size(); i += 2) ids.push_back(i);
  size_t same = 0, total = 0;
  for (uint32_t q = 0; q < 50; ++q) {
    const auto want = exact->search_among(vecs[q * 17].data(), 10, ids);
    const auto got = compact->search_among(vecs[q * 17].data(), 10, ids);
    ASSERT_EQ(got.size(), want.size());
    for (const auto& g : got) {
      for (const auto& w : want) same += g.id == w.id;
    }
    total += want.size();
    // Whatever it returns is scored in float, exactly.
    for (const auto& g : got) EXPECT_FLOAT_EQ(g.score, exact->search_among(vecs[q * 17].data(), 1, {g.id})[0].score);
  }
  EXPECT_GE(static_cast<double>(same) / static_cast<double>(total), 0.99);
  // The unfiltered search goes through the same scan.
  const auto a = exact->search(vecs[1].data(), 10), b = compact->search(vecs[1].data(), 10);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a[0].id, b[0].id);
}

}  // namespace
}  // namespace codex::index
