#include "codex/library/jsonl.h"

#include <gtest/gtest.h>

#include <sstream>

#include "support/test_util.h"

namespace codex::library {
namespace {

std::string good(const std::string& id, int energy = 6) {
  return nlohmann::json({{"track_id", id}, {"title", "T " + id}, {"artist", "A"}, {"bpm", 124.5}, {"key", "8A"},
                         {"energy", energy}, {"my_extra", {{"nested", true}}}})
      .dump();
}

TEST(Jsonl, MalformedLinesAreRejectedWithTheirNumbers) {
  std::string ten_mb = "{\"track_id\":\"big\",\"title\":\"";
  ten_mb += std::string(10 << 20, 'x');
  ten_mb += "\"}";
  std::stringstream in;
  in << good("a") << "\n"                                           // 1 ok
     << "{\"track_id\": \"b\", \"title\": \n"                        // 2 broken JSON
     << "[1, 2, 3]\n"                                                // 3 not an object
     << "{\"track_id\":\"c\",\"title\":\"T\",\"artist\":\"A\",\"bpm\":\"fast\",\"key\":\"8A\",\"energy\":5}\n"  // 4 type
     << "{\"track_id\":\"d\",\"title\":\"T\",\"artist\":\"A\",\"bpm\":400,\"key\":\"8A\",\"energy\":5}\n"  // 5 range
     << "{\"track_id\":\"e\",\"title\":\"T\",\"artist\":\"A\",\"bpm\":120,\"key\":\"8A\",\"energy\":5,\"vibe\":\"moody\"}\n"  // 6 enum
     << ten_mb << "\n"                                               // 7 too long
     << "{\"track_id\":\"f\",\"title\":\"caf\xe9\",\"artist\":\"A\",\"bpm\":120,\"key\":\"8A\",\"energy\":5}\n"  // 8 UTF-8
     << "\n   \n"                                                    // 9, 10 blank
     << good("g") << "\r\n"                                          // 11 ok (CRLF)
     << "{\"title\":\"no id\"}\n"                                    // 12 missing
     << good("a", 9) << "\n";                                        // 13 duplicate of line 1
  std::vector<nlohmann::json> records;
  const ImportReport rep = parse_jsonl(in, &records);
  EXPECT_EQ(rep.lines, 11u);
  EXPECT_EQ(rep.imported, 2u);
  EXPECT_EQ(rep.duplicates, 1u);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["energy"], 9) << "the later duplicate wins";
  std::vector<size_t> bad;
  for (const auto& e : rep.errors) {
    bad.push_back(e.line);
    EXPECT_FALSE(e.reason.empty());
    EXPECT_EQ(e.reason.find('\n'), std::string::npos);
  }
  EXPECT_EQ(bad, (std::vector<size_t>{2, 3, 4, 5, 6, 7, 8, 12}));
  EXPECT_NE(rep.errors[2].reason.find("bpm"), std::string::npos);
  EXPECT_NE(rep.errors[4].reason.find("vibe"), std::string::npos);
  EXPECT_NE(rep.errors[5].reason.find("limit"), std::string::npos);
  EXPECT_NE(rep.errors[6].reason.find("UTF-8"), std::string::npos);
}

// Imports dir/in.jsonl into a new corpus in dir; null (and a test failure) when the import fails.
std::unique_ptr<corpus::Corpus> import_into_new_corpus(const test::TempDir& dir, ImportReport* report) {
  auto c = corpus::Corpus::open(dir.file("c.db"));
  EXPECT_TRUE(c.ok());
  if (!c.ok()) return nullptr;
  auto rep = import_jsonl(**c, dir.file("in.jsonl"));
  EXPECT_TRUE(rep.ok()) << rep.status().message();
  if (!rep.ok()) return nullptr;
  *report = *rep;
  return std::move(c).value();
}

TEST(Jsonl, ImportIsOneTransactionAndTheRoundTripLosesNothing) {
  test::TempDir dir;
  test::write_bytes(dir.file("in.jsonl"), good("x1") + "\n" + good("x2") + "\nnot json\n" + good("x3") + "\n");
  ImportReport rep;
  auto c = import_into_new_corpus(dir, &rep);
  ASSERT_TRUE(c);
  EXPECT_EQ(rep.imported, 3u);
  ASSERT_EQ(rep.errors.size(), 1u);
  EXPECT_EQ(rep.errors[0].line, 3u);
  EXPECT_EQ(c->records().count().value(), 3);

  std::stringstream out;
  EXPECT_EQ(export_jsonl(*c, out).value(), 3u);
  std::vector<nlohmann::json> back;
  const ImportReport again = parse_jsonl(out, &back);
  EXPECT_TRUE(again.errors.empty());
  ASSERT_EQ(back.size(), 3u);
  auto original = nlohmann::json::parse(good("x2"));
  original["codex_schema_version"] = "1.0";
  EXPECT_EQ(back[1], original) << "extra fields and values survive the round trip";
}

TEST(Jsonl, ADeeplyNestedLineIsRejectedAndTheRestIsImported) {
  // 200,000 levels fit in the 1 MB line limit; parsing, storing and freeing such a value recursed
  // until the stack overflowed and the whole file was lost.
  test::TempDir dir;
  const size_t depth = 200000;
  std::string nested = good("deep");
  nested.pop_back();  // the closing brace
  nested += ",\"x\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
  const std::string quoted = good("q");  // brackets inside strings do not count
  std::string with_string = quoted;
  with_string.pop_back();
  with_string += ",\"note\":\"" + std::string(500, '[') + "\"}";
  test::write_bytes(dir.file("in.jsonl"), good("a") + "\n" + nested + "\n" + with_string + "\n" + good("b") + "\n");
  ImportReport rep;
  auto c = import_into_new_corpus(dir, &rep);
  ASSERT_TRUE(c);
  EXPECT_EQ(rep.imported, 3u);
  ASSERT_EQ(rep.errors.size(), 1u);
  EXPECT_EQ(rep.errors[0].line, 2u);
  EXPECT_NE(rep.errors[0].reason.find("nested"), std::string::npos) << rep.errors[0].reason;
  EXPECT_EQ(c->records().count().value(), 3);
}

TEST(Jsonl, MissingFileIsAnError) {
  test::TempDir dir;
  auto c = corpus::Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(import_jsonl(**c, dir.file("nope.jsonl")).ok());
}

}  // namespace
}  // namespace codex::library
