// Vector search behind one interface: an exact scan (the reference the tests compare against) and
// an 8-bit scan with float re-scoring, both by inner product on unit vectors and both taking a
// filter (tempo band, compatible keys, tracks already played) or a candidate list. (An HNSW graph
// from Debian's hnswlib 0.6.2 was here, unused by the product; it read past a link list under
// AddressSanitizer, and the hard constraints leave few enough candidates for a scan.)
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace codex::index {

struct Hit {
  uint32_t id = 0;
  float score = 0.0f;  // inner product
};

using Filter = std::function<bool(uint32_t id)>;

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;
  virtual int dims() const = 0;
  virtual size_t size() const = 0;
  // `v` holds dims() floats; ids are the caller's (e.g. positions in a library).
  virtual void add(uint32_t id, const float* v) = 0;
  // The k best by inner product among ids the filter accepts (all when empty), best first.
  virtual std::vector<Hit> search(const float* q, size_t k, const Filter& filter = {}) const = 0;
  // The k best among `ids` (ids this index holds; others are ignored), best first, ties to the
  // lower id. The hard constraints have already chosen the candidates: only those are scanned.
  virtual std::vector<Hit> search_among(const float* q, size_t k, const std::vector<uint32_t>& ids) const = 0;
};

std::unique_ptr<VectorIndex> make_exact_index(int dims);
// An exact index that scans 8-bit copies of the vectors first (a quarter of the memory traffic,
// prefetching a few candidates ahead) and re-scores the best 4k in float: the answer of the exact
// index unless the 8-bit pass drops a true neighbour from its 4k (tests compare the two).
std::unique_ptr<VectorIndex> make_compact_index(int dims);

// The compact index's scan over vectors held elsewhere (a mapped file), ids = positions 0..count:
// `small` the 8-bit copies (quantise_unit) in memory; the float vectors, only the few re-scored,
// are fetched by `read` (a file read: they need not be mapped) and checked against `checks`
// (vector_check of each). A float vector that cannot be read or fails its check is never used:
// it is left out and damaged() turns true.
class MappedVectorIndex : public VectorIndex {
 public:
  virtual bool damaged() const = 0;
  // The checked float vector at `id` into `out` (dims() floats); false when out of range or damaged.
  virtual bool vector(uint32_t id, float* out) const = 0;
};
using VectorReader = std::function<bool(uint32_t id, float* out)>;
std::unique_ptr<MappedVectorIndex> make_mapped_index(int dims, size_t count, const int8_t* small, VectorReader read,
                                                     const uint32_t* checks);
void quantise_unit(const float* v, int n, int8_t* out);  // x * 127, clamped to [-1, 1]
uint32_t vector_check(const float* v, int dims);
}  // namespace codex::index
