// The one SQLite connection a corpus's stores share, and the lock that serialises them.
#pragma once

#include <memory>
#include <mutex>

#include "codex/corpus/sqlite.h"

namespace codex::corpus {

struct Connection {
  std::mutex mu;
  std::unique_ptr<Database> db;
};

// Steps `st` to the end, calling `row()` for each row; the statement's status at the end (an
// SQLite error part-way is an error, never a short answer).
template <class F>
Status each_row(Statement& st, F&& row) {
  while (st.step()) row();
  return st.status();
}

}  // namespace codex::corpus
