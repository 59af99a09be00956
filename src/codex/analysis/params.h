// Declared parameters: an analyzer states each parameter with a description, a range and a
// default; values are checked once at configure time, and their hash is stored beside results so
// that changing a parameter triggers re-analysis.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "codex/core/status.h"

namespace codex::analysis {

struct ParamSpec {
  std::string name;
  std::string description;
  double min_value;
  double max_value;
  double default_value;
};

class ParamSet {
 public:
  ParamSet() = default;
  explicit ParamSet(std::vector<ParamSpec> specs);

  // Fails (one line) for an unknown name or a value out of range.
  Status set(const std::string& name, double value);
  double get(const std::string& name) const;  // programmer error if the name is unknown
  const std::vector<ParamSpec>& specs() const { return specs_; }
  // Stable 16-hex-digit hash of "name=value;..." in declaration order, then `also` (e.g. a model id).
  std::string hash(std::string_view also = {}) const;

 private:
  std::vector<ParamSpec> specs_;
  std::vector<double> values_;
};

}  // namespace codex::analysis
