#include <hnswlib/hnswlib.h>

#include <algorithm>

#include "codex/core/dot.h"
#include "codex/index/vector_index.h"

namespace codex::index {
namespace {

class HnswIndex final : public VectorIndex {
 public:
  HnswIndex(int dims, size_t capacity, int m, int ef_construction, int ef_search)
      : dims_(dims), space_(static_cast<size_t>(dims)), ef_search_(ef_search) {
    graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(&space_, std::max<size_t>(capacity, 1),
                                                               static_cast<size_t>(m),
                                                               static_cast<size_t>(ef_construction), 42);
  }
  int dims() const override { return dims_; }
  size_t size() const override { return graph_->cur_element_count; }
  void add(uint32_t id, const float* v) override {
    if (graph_->cur_element_count >= graph_->max_elements_) graph_->resizeIndex(graph_->max_elements_ * 2);
    graph_->addPoint(v, id);
  }
  std::vector<Hit> search(const float* q, size_t k, const Filter& filter) const override {
    const size_t n = size();
    if (n == 0 || k == 0) return {};
    size_t fetch = filter ? std::max<size_t>(4 * k, 64) : k;
    while (true) {
      fetch = std::min(fetch, n);
      graph_->setEf(std::max<size_t>(fetch, static_cast<size_t>(ef_search_)));
      auto pq = graph_->searchKnn(q, fetch);
      std::vector<Hit> hits;
      while (!pq.empty()) {
        const auto [dist, label] = pq.top();
        pq.pop();
        const auto id = static_cast<uint32_t>(label);
        if (!filter || filter(id)) hits.push_back({id, 1.0f - dist});  // inner-product distance = 1 - ip
      }
      std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.score > b.score; });
      if (hits.size() >= k || fetch >= n) {
        if (hits.size() > k) hits.resize(k);
        return hits;
      }
      // Too few passed: a selective filter. Past a tenth of the index, scanning is cheaper.
      if (fetch * 4 > n / 10) return scan(q, k, filter);
      fetch *= 4;
    }
  }

 private:
  // Exact scan over the vectors the graph stores (no second copy is kept).
  std::vector<Hit> scan(const float* q, size_t k, const Filter& filter) const {
    std::vector<Hit> hits;
    for (size_t i = 0; i < size(); ++i) {
      const auto id = static_cast<uint32_t>(graph_->getExternalLabel(static_cast<hnswlib::tableint>(i)));
      if (filter && !filter(id)) continue;
      const auto* v = reinterpret_cast<const float*>(graph_->getDataByInternalId(static_cast<hnswlib::tableint>(i)));
      const float s = dot_product(q, v, dims_);
      hits.push_back({id, s});
    }
    const size_t n = std::min(k, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n), hits.end(),
                      [](const Hit& a, const Hit& b) { return a.score > b.score; });
    hits.resize(n);
    return hits;
  }

  int dims_;
  hnswlib::InnerProductSpace space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
  int ef_search_;
};

}  // namespace

std::unique_ptr<VectorIndex> make_hnsw_index(int dims, size_t capacity, int m, int ef_construction, int ef_search) {
  return std::make_unique<HnswIndex>(dims, capacity, m, ef_construction, ef_search);
}

}  // namespace codex::index
