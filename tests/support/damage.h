// Damages a corpus file as a bad disk block would: zeroes the root page of one table.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>

#include "support/test_util.h"

namespace codex::test {

inline void damage_table(const std::string& db, const std::string& table) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, ("SELECT rootpage FROM sqlite_master WHERE name='" + table + "'").c_str(), -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  const int64_t root = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_prepare_v2(h, "PRAGMA page_size", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  const int64_t page = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  std::string bytes = read_bytes(db);
  ASSERT_GE(static_cast<int64_t>(bytes.size()), root * page);
  std::fill(bytes.begin() + (root - 1) * page, bytes.begin() + root * page, '\0');
  write_bytes(db, bytes);
}

}  // namespace codex::test
