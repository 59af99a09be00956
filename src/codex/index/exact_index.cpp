#include <algorithm>

#include "codex/core/dot.h"
#include "codex/index/vector_index.h"

namespace codex::index {
namespace {

class ExactIndex final : public VectorIndex {
 public:
  explicit ExactIndex(int dims) : dims_(dims) {}
  int dims() const override { return dims_; }
  size_t size() const override { return ids_.size(); }
  void add(uint32_t id, const float* v) override {
    ids_.push_back(id);
    data_.insert(data_.end(), v, v + dims_);
  }
  std::vector<Hit> search(const float* q, size_t k, const Filter& filter) const override {
    std::vector<Hit> hits;
    hits.reserve(filter ? 64 : ids_.size());
    for (size_t i = 0; i < ids_.size(); ++i) {
      if (filter && !filter(ids_[i])) continue;
      const float* v = data_.data() + i * static_cast<size_t>(dims_);
      const float s = dot_product(q, v, dims_);
      hits.push_back({ids_[i], s});
    }
    const size_t n = std::min(k, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n), hits.end(),
                      [](const Hit& a, const Hit& b) { return a.score > b.score || (a.score == b.score && a.id < b.id); });
    hits.resize(n);
    return hits;
  }

 private:
  int dims_;
  std::vector<uint32_t> ids_;
  std::vector<float> data_;
};

}  // namespace

std::unique_ptr<VectorIndex> make_exact_index(int dims) { return std::make_unique<ExactIndex>(dims); }

}  // namespace codex::index
