// What the 8-bit scans share (compact_index.cpp, mapped_index.cpp): the order of hits and the
// int8 inner product. Internal to the index implementations; quantise_unit is in vector_index.h.
#pragma once

#include <cstdint>

#include "codex/index/vector_index.h"

namespace codex::index {

// Best first: higher score, then the lower id.
inline bool better(const Hit& a, const Hit& b) { return a.score > b.score || (a.score == b.score && a.id < b.id); }

// The inner product of two int8 vectors (compact_index.cpp).
int32_t dot8(const int8_t* a, const int8_t* b, int n);

}  // namespace codex::index
