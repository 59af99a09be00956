// `codex probe`: one file analysed with every analyzer and nothing stored — its identity, the
// analysers' outputs and the headline fields (bpm, key ...), optionally with declared parameters
// changed ("key.min_strength=0.3", an experiment's knob) and the file's embedding in a corpus's
// acoustic space.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/core/status.h"
#include "codex/corpus/corpus.h"

namespace codex::library {

// `space_of`: the corpus whose acoustic space the embedding is made in (null: no embedding).
// A malformed or unknown parameter is Invalid.
Result<nlohmann::json> probe_file(const std::string& file, const std::vector<std::string>& params, corpus::Corpus* space_of);

}  // namespace codex::library
