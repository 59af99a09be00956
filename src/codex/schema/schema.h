// The CODEX feature schema 1.0 (docs/ARCHITECTURE.md section 3) as code: the field table (CODEX_SCHEMA_FIELDS in
// record.h) as FieldSpecs with types, ranges, enums and required flags, used to validate records (import, LLM replies), to export,
// and to print the schema. Extra fields beside these are allowed and preserved.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/schema/record.h"

namespace codex::schema {

inline constexpr const char* kSchemaVersion = "1.0";

struct FieldSpec {
  const char* name;
  FieldType type;
  bool required;       // in a complete record
  bool nullable;       // null is a valid value
  double min = 0.0, max = 0.0;  // value range, or array length range
  std::vector<std::string> values;  // enums
  const char* group = "";
  const char* description = "";
};

const std::vector<FieldSpec>& fields();
const FieldSpec* find_field(const std::string& name);

struct Issue {
  std::string field;
  std::string message;
};

enum class Mode {
  kComplete,  // every required field must be present (an LLM reply, an export)
  kImport,    // identity, bpm, key and energy must be present (bpm and key may be null); other fields
              // are checked if present
};

// Checks a record; returns the problems (empty when valid). Unknown fields are not problems.
std::vector<Issue> validate(const nlohmann::json& record, Mode mode);

// Brings a record made here (from an analysis) within the limits validate() checks, so that what
// analyze stores survives export and import: text fields longer than their limit are cut at a
// UTF-8 character boundary (the whole tag stays in the corpus), lists longer than their limit keep
// their first items (a 24-hour mix's 100 sections), and a length past the schema's limit is held at
// it. The one set of limits is the table in record.h.
void fit_to_limits(nlohmann::json& record);

// The fields a record needs to be imported.
const std::vector<std::string>& import_required();

// A JSON Schema (draft 2020-12 subset) describing a complete record.
nlohmann::json json_schema();

}  // namespace codex::schema
