// Where each caller id sits in an index's storage (ids are the caller's, e.g. library positions,
// usually dense). Internal to the index implementations.
#pragma once

#include <cstdint>
#include <vector>

namespace codex::index {

class IdPositions {
 public:
  // Records that `id` is stored at the next position; returns that position.
  size_t add(uint32_t id) {
    if (id >= pos_.size()) pos_.resize(static_cast<size_t>(id) + 1, -1);
    pos_[id] = static_cast<int64_t>(ids_.size());
    ids_.push_back(id);
    return ids_.size() - 1;
  }
  size_t size() const { return ids_.size(); }
  uint32_t id_at(size_t position) const { return ids_[position]; }
  const std::vector<uint32_t>& ids() const { return ids_; }
  // The position of `id`, or -1 when the index does not hold it.
  int64_t position(uint32_t id) const { return id < pos_.size() ? pos_[id] : -1; }

 private:
  std::vector<uint32_t> ids_;
  std::vector<int64_t> pos_;  // id -> position, -1 when absent
};

}  // namespace codex::index
