#include "codex/index/vector_index.h"

#include <algorithm>

namespace codex::index {

std::vector<Hit> VectorIndex::search_among(const float* q, size_t k, const std::vector<uint32_t>& ids) const {
  if (ids.empty() || k == 0) return {};
  const uint32_t top = *std::max_element(ids.begin(), ids.end());
  std::vector<char> member(static_cast<size_t>(top) + 1, 0);
  for (uint32_t id : ids) member[id] = 1;
  auto hits = search(q, k, [&](uint32_t id) { return id <= top && member[id]; });
  std::stable_sort(hits.begin(), hits.end(),
                   [](const Hit& a, const Hit& b) { return a.score > b.score || (a.score == b.score && a.id < b.id); });
  return hits;
}

}  // namespace codex::index
