// A conditional-logit choice model: each example offers a few candidates (keys, tempo octaves),
// each described by the same features, and the chance of a candidate is softmax(theta . features)
// over the example's candidates. Fitted by damped Newton steps on the weighted log-likelihood with
// a ridge that pulls theta toward a prior, so that a handful of examples leaves the prior almost
// as it was and only many consistent examples move it. Pure functions, deterministic.
#pragma once

#include <vector>

namespace codex::analysis {

struct ChoiceExample {
  std::vector<std::vector<double>> candidates;  // candidates x features
  int chosen = 0;                               // the index of the right candidate
  double weight = 1.0;
};

struct ChoiceFit {
  std::vector<double> theta;
  double loss = 0.0;  // weighted negative log-likelihood plus the ridge, at theta
  int iterations = 0;
};

// Minimises sum(weight * -log p(chosen)) + ridge * |theta - prior|^2. Examples with fewer than two
// candidates, a chosen index out of range or features of another length are ignored.
ChoiceFit fit_choice(const std::vector<ChoiceExample>& examples, const std::vector<double>& prior, double ridge,
                     int max_iterations = 100);

// The candidate theta scores highest (the first of equals); -1 when there are none.
int best_choice(const std::vector<std::vector<double>>& candidates, const std::vector<double>& theta);

}  // namespace codex::analysis
