// The 8-bit scan over memory the index does not own (a mapped library snapshot): the same answer
// as the compact index over the same vectors. The float vectors of the shortlist are read through
// the caller's reader and checked against their checksums before they are used; a damaged one is
// left out and reported through `damaged()`.
#include <algorithm>
#include <atomic>
#include <cmath>

#include "codex/core/checksum.h"
#include "codex/core/dot.h"
#include "codex/index/scan8.h"
#include "codex/index/vector_index.h"

namespace codex::index {
namespace {

class MappedIndex final : public MappedVectorIndex {
 public:
  MappedIndex(int dims, size_t count, const int8_t* small, VectorReader read, const uint32_t* checks)
      : dims_(dims), count_(count), small_(small), read_(std::move(read)), checks_(checks) {}
  int dims() const override { return dims_; }
  size_t size() const override { return count_; }
  void add(uint32_t, const float*) override {}  // read-only: the snapshot is written whole
  bool damaged() const override { return damaged_.load(std::memory_order_relaxed); }
  bool vector(uint32_t id, float* out) const override {
    if (id >= count_) return false;
    if (!read_(id, out) || vector_check(out, dims_) != checks_[id]) {
      damaged_.store(true, std::memory_order_relaxed);
      return false;
    }
    return true;
  }
  std::vector<Hit> search(const float* q, size_t k, const Filter& filter) const override {
    std::vector<uint32_t> ids;
    for (uint32_t id = 0; id < count_; ++id) {
      if (!filter || filter(id)) ids.push_back(id);
    }
    return search_among(q, k, ids);
  }
  std::vector<Hit> search_among(const float* q, size_t k, const std::vector<uint32_t>& ids) const override {
    std::vector<uint32_t> pos;
    pos.reserve(ids.size());
    for (uint32_t id : ids) {
      if (id < count_) pos.push_back(id);
    }
    // A wider float re-scoring than the in-memory compact index (1000 at least): the reads are
    // cheap, and the 8-bit pass then almost never drops a true neighbour.
    const size_t shortlist = std::max<size_t>(4 * k, 1000);
    if (pos.size() > shortlist) {
      std::vector<int8_t> q8(static_cast<size_t>(dims_));
      quantise_unit(q, dims_, q8.data());
      std::vector<std::pair<int32_t, uint32_t>> coarse(pos.size());
      constexpr size_t kAhead = 6;
      const size_t row = static_cast<size_t>(dims_);
      for (size_t j = 0; j < pos.size(); ++j) {
        if (j + kAhead < pos.size()) {
          const char* p = reinterpret_cast<const char*>(small_ + pos[j + kAhead] * row);
          for (size_t line = 0; line < row; line += 64) __builtin_prefetch(p + line);
        }
        coarse[j] = {dot8(q8.data(), small_ + pos[j] * row, dims_), pos[j]};
      }
      std::partial_sort(coarse.begin(), coarse.begin() + static_cast<std::ptrdiff_t>(shortlist), coarse.end(),
                        [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
      pos.resize(shortlist);
      for (size_t j = 0; j < shortlist; ++j) pos[j] = coarse[j].second;
    }
    std::vector<Hit> hits;
    hits.reserve(pos.size());
    std::vector<float> v(static_cast<size_t>(dims_));
    for (uint32_t p : pos) {
      if (vector(p, v.data())) hits.push_back({p, dot_product(q, v.data(), dims_)});
    }
    const size_t n = std::min(k, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n), hits.end(), better);
    hits.resize(n);
    return hits;
  }

 private:
  int dims_;
  size_t count_;
  const int8_t* small_;
  VectorReader read_;
  const uint32_t* checks_;
  mutable std::atomic<bool> damaged_{false};
};

}  // namespace

uint32_t vector_check(const float* v, int dims) {
  return static_cast<uint32_t>(checksum64(v, sizeof(float) * static_cast<size_t>(dims)));
}

std::unique_ptr<MappedVectorIndex> make_mapped_index(int dims, size_t count, const int8_t* small, VectorReader read,
                                                     const uint32_t* checks) {
  return std::make_unique<MappedIndex>(dims, count, small, std::move(read), checks);
}

}  // namespace codex::index
