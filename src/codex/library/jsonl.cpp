#include "codex/library/jsonl.h"

#include "codex/core/half.h"
#include "codex/embed/feature_embedding.h"

#include <algorithm>
#include <fstream>
#include <map>

#include "codex/library/records.h"

#include "codex/core/text.h"
#include "codex/schema/schema.h"

namespace codex::library {
namespace {

constexpr int kMaxDepth = 64;  // a record is flat; extra fields may nest a little, never thousands deep

// The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not count).
// Checked before parsing: a line nested 50,000 deep would overflow the stack of the recursive code
// that later copies, writes and frees the parsed value.
int nesting_depth(const std::string& text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

bool JsonlReader::next(nlohmann::json* out) {
  std::string line;
  while (std::getline(in_, line)) {
    ++line_number_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ++report_.lines;
    auto reject = [&](const std::string& why) { report_.errors.push_back({line_number_, why}); };
    if (line.size() > options_.max_line_bytes) {
      reject("line is " + std::to_string(line.size()) + " bytes, over the limit of " +
             std::to_string(options_.max_line_bytes));
      continue;
    }
    if (to_valid_utf8(line) != line) {
      reject("not valid UTF-8");
      continue;
    }
    if (nesting_depth(line) > kMaxDepth) {
      reject("nested more than " + std::to_string(kMaxDepth) + " levels deep");
      continue;
    }
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      reject("not valid JSON");
      continue;
    }
    const auto issues = schema::validate(j, schema::Mode::kImport);
    if (!issues.empty()) {
      std::string why;
      for (const auto& i : issues) why += (why.empty() ? "" : "; ") + (i.field.empty() ? "" : i.field + " ") + i.message;
      reject(why);
      continue;
    }
    // A path that is not UTF-8 travels as its bytes (see export_jsonl), kept as they came so the
    // next export writes them again.
    if (auto b = j.find("file_path_bytes"); b != j.end()) {
      const auto raw = b->is_string() ? base64_decode(b->get<std::string>()) : std::nullopt;
      if (!raw || raw->empty() || raw->size() > 4096 || raw->find('\0') != std::string::npos) {
        reject("file_path_bytes is not the base64 of a file path");
        continue;
      }
      if (auto p = j.find("file_path"); p != j.end() && (!p->is_string() || to_valid_utf8(*raw) != p->get<std::string>())) {
        reject("file_path_bytes is not the same path as file_path");
        continue;
      }
    }
    if (!j.contains("codex_schema_version")) j["codex_schema_version"] = schema::kSchemaVersion;
    if (seen_.insert(j["track_id"].get<std::string>()).second) {
      ++report_.imported;
    } else {
      ++report_.duplicates;
    }
    *out = std::move(j);
    return true;
  }
  return false;
}

ImportReport parse_jsonl(std::istream& in, std::vector<nlohmann::json>* records, const ImportOptions& options) {
  JsonlReader reader(in, options);
  std::map<std::string, size_t> index;  // track_id -> position in records
  nlohmann::json j;
  while (reader.next(&j)) {
    const std::string id = j["track_id"].get<std::string>();
    if (auto it = index.find(id); it != index.end()) {
      (*records)[it->second] = std::move(j);
    } else {
      index[id] = records->size();
      records->push_back(std::move(j));
    }
  }
  return reader.report();
}

Result<ImportReport> import_jsonl(corpus::Corpus& corpus, const std::string& path, const ImportOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot read " + to_valid_utf8(path));
  // Records stream into one transaction: memory stays flat however long the file is.
  JsonlReader reader(in, options);
  if (Status s = corpus.records().put([&](nlohmann::json* r) { return reader.next(r); }, options.provenance); !s) {
    return s;
  }
  if (in.bad()) return Status::Error("error while reading " + to_valid_utf8(path));
  return reader.report();
}

Result<size_t> export_jsonl(corpus::Corpus& corpus, std::ostream& out, bool embeddings) {
  auto records = all_records(corpus);
  if (!records) return records.status();
  size_t n = 0;
  for (const auto& r : *records) {
    nlohmann::json j = schema::to_json(r);
    // The acoustic block belongs to this library's space: exported only with the embeddings, as
    // the whole 384-d vector (model id + base64 float16) beside it. The acoustic summary, which
    // any library can place in its own space, always travels.
    if (embeddings) {
      const auto block = j.find("acoustic");
      const std::string space = block != j.end() && block->is_object() ? block->value("model", "") : "";
      const embed::Vector v = embed::embed_record(r);
      j["embedding"] = {{"model", "codex-384/" + (space.empty() ? std::string("features") : space)},
                        {"dims", embed::kDims},
                        {"vector", halves_base64(v.data(), v.size())}};
    } else if (auto a = j.find("acoustic"); a != j.end() && a->is_object() && a->contains("vector") &&
                                             a->contains("model")) {
      j.erase(a);  // this library's block (another value under the name is somebody else's field)
    }
    // JSON holds only UTF-8: a path that is not (a Linux file name may be any bytes) is written
    // readable in file_path (U+FFFD for the bad bytes) and exactly in file_path_bytes (base64),
    // which import reads back.
    if (auto p = j.find("file_path"); p != j.end() && p->is_string() && !is_valid_utf8(p->get<std::string>())) {
      j["file_path_bytes"] = base64_encode(p->get<std::string>());
    }
    out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    ++n;
  }
  return n;
}

}  // namespace codex::library
