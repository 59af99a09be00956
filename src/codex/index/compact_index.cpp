// The 8-bit scan: each vector also kept as int8 (x * 127, clamped to [-1, 1] — unit vectors'
// components are small), scanned first; the best 4k are re-scored in float.
#include <algorithm>
#include <cmath>

#include "codex/core/dot.h"
#include "codex/index/id_positions.h"
#include "codex/index/scan8.h"
#include "codex/index/vector_index.h"

namespace codex::index {

// Compiled twice (AVX2 and baseline x86-64) and chosen at load time, so a portable build still
// runs the 8-bit scan at full width on a machine that has AVX2.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("avx2", "default")))
#endif
int32_t dot8(const int8_t* a, const int8_t* b, int n) {
  // A plain widening reduction, which GCC vectorises as a dot-product pattern (pmaddwd).
  int32_t s = 0;
  for (int i = 0; i < n; ++i) s += static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
  return s;
}

void quantise_unit(const float* v, int n, int8_t* out) {
  for (int i = 0; i < n; ++i) out[i] = static_cast<int8_t>(std::lround(std::clamp(v[i], -1.0f, 1.0f) * 127.0f));
}

namespace {

class CompactIndex final : public VectorIndex {
 public:
  explicit CompactIndex(int dims) : dims_(dims) {}
  int dims() const override { return dims_; }
  size_t size() const override { return ids_.size(); }
  void add(uint32_t id, const float* v) override {
    ids_.add(id);
    data_.insert(data_.end(), v, v + dims_);
    small_.resize(small_.size() + static_cast<size_t>(dims_));
    quantise_unit(v, dims_, small_.data() + small_.size() - static_cast<size_t>(dims_));
  }
  std::vector<Hit> search(const float* q, size_t k, const Filter& filter) const override {
    std::vector<uint32_t> ids;
    for (uint32_t id : ids_.ids()) {
      if (!filter || filter(id)) ids.push_back(id);
    }
    return search_among(q, k, ids);
  }
  std::vector<Hit> search_among(const float* q, size_t k, const std::vector<uint32_t>& ids) const override {
    std::vector<size_t> pos;
    pos.reserve(ids.size());
    for (uint32_t id : ids) {
      if (const int64_t p = ids_.position(id); p >= 0) pos.push_back(static_cast<size_t>(p));
    }
    const size_t shortlist = 4 * k;
    if (pos.size() > shortlist) {
      // The candidates lie scattered through a large array: fetch a few ahead so the scan runs at
      // memory bandwidth rather than memory latency.
      std::vector<int8_t> q8(static_cast<size_t>(dims_));
      quantise_unit(q, dims_, q8.data());
      std::vector<std::pair<int32_t, size_t>> coarse(pos.size());
      constexpr size_t kAhead = 6;
      const size_t row_bytes = static_cast<size_t>(dims_);
      for (size_t j = 0; j < pos.size(); ++j) {
        if (j + kAhead < pos.size()) {
          const char* p = reinterpret_cast<const char*>(small_row(pos[j + kAhead]));
          for (size_t line = 0; line < row_bytes; line += 64) __builtin_prefetch(p + line);
        }
        coarse[j] = {dot8(q8.data(), small_row(pos[j]), dims_), pos[j]};
      }
      std::partial_sort(coarse.begin(), coarse.begin() + static_cast<std::ptrdiff_t>(shortlist), coarse.end(),
                        [&](const auto& a, const auto& b) {
                          return a.first > b.first || (a.first == b.first && ids_.id_at(a.second) < ids_.id_at(b.second));
                        });
      pos.resize(shortlist);
      for (size_t j = 0; j < shortlist; ++j) pos[j] = coarse[j].second;
    }
    std::vector<Hit> hits;
    hits.reserve(pos.size());
    for (size_t p : pos) hits.push_back({ids_.id_at(p), dot_product(q, data_.data() + p * static_cast<size_t>(dims_), dims_)});
    const size_t n = std::min(k, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n), hits.end(), better);
    hits.resize(n);
    return hits;
  }

 private:
  const int8_t* small_row(size_t p) const { return small_.data() + p * static_cast<size_t>(dims_); }
  int dims_;
  IdPositions ids_;
  std::vector<float> data_;
  std::vector<int8_t> small_;
};

}  // namespace

std::unique_ptr<VectorIndex> make_compact_index(int dims) { return std::make_unique<CompactIndex>(dims); }

}  // namespace codex::index
