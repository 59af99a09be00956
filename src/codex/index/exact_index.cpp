#include <algorithm>

#include "codex/core/dot.h"
#include "codex/index/id_positions.h"
#include "codex/index/vector_index.h"

namespace codex::index {
namespace {

bool better(const Hit& a, const Hit& b) { return a.score > b.score || (a.score == b.score && a.id < b.id); }

// Keeps the k best of `hits`, best first.
void keep_best(std::vector<Hit>& hits, size_t k) {
  const size_t n = std::min(k, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n), hits.end(), better);
  hits.resize(n);
}

class ExactIndex final : public VectorIndex {
 public:
  explicit ExactIndex(int dims) : dims_(dims) {}
  int dims() const override { return dims_; }
  size_t size() const override { return ids_.size(); }
  void add(uint32_t id, const float* v) override {
    ids_.add(id);
    data_.insert(data_.end(), v, v + dims_);
  }
  std::vector<Hit> search(const float* q, size_t k, const Filter& filter) const override {
    std::vector<Hit> hits;
    hits.reserve(filter ? 64 : ids_.size());
    for (size_t i = 0; i < ids_.size(); ++i) {
      if (filter && !filter(ids_.id_at(i))) continue;
      hits.push_back({ids_.id_at(i), dot_product(q, row(i), dims_)});
    }
    keep_best(hits, k);
    return hits;
  }
  std::vector<Hit> search_among(const float* q, size_t k, const std::vector<uint32_t>& ids) const override {
    std::vector<Hit> hits;
    hits.reserve(ids.size());
    for (uint32_t id : ids) {
      const int64_t p = ids_.position(id);
      if (p >= 0) hits.push_back({id, dot_product(q, row(static_cast<size_t>(p)), dims_)});
    }
    keep_best(hits, k);
    return hits;
  }

 private:
  const float* row(size_t i) const { return data_.data() + i * static_cast<size_t>(dims_); }
  int dims_;
  IdPositions ids_;
  std::vector<float> data_;
};

}  // namespace

std::unique_ptr<VectorIndex> make_exact_index(int dims) { return std::make_unique<ExactIndex>(dims); }

}  // namespace codex::index
