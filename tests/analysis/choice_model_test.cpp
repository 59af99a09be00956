#include "codex/analysis/choice_model.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

using namespace codex::analysis;

namespace {

// Examples whose choices follow softmax(truth . features) over three random candidates.
std::vector<ChoiceExample> sampled(const std::vector<double>& truth, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0), pick(0.0, 1.0);
  std::vector<ChoiceExample> out;
  for (int i = 0; i < n; ++i) {
    ChoiceExample e;
    std::vector<double> p;
    double z = 0.0;
    for (int c = 0; c < 3; ++c) {
      e.candidates.push_back({u(rng), u(rng)});
      p.push_back(std::exp(truth[0] * e.candidates.back()[0] + truth[1] * e.candidates.back()[1]));
      z += p.back();
    }
    double r = pick(rng) * z;
    e.chosen = 2;
    for (int c = 0; c < 3; ++c) {
      if ((r -= p[static_cast<size_t>(c)]) <= 0) {
        e.chosen = c;
        break;
      }
    }
    out.push_back(e);
  }
  return out;
}

}  // namespace

TEST(ChoiceModel, ManyExamplesRecoverTheWeightsTheChoicesFollow) {
  const auto fit = fit_choice(sampled({3.0, -1.0}, 2000, 7), {0.0, 0.0}, 0.1);
  EXPECT_NEAR(fit.theta[0], 3.0, 0.35);
  EXPECT_NEAR(fit.theta[1], -1.0, 0.3);
  EXPECT_GT(fit.iterations, 1);
}

TEST(ChoiceModel, AFewExamplesLeaveThePriorAlmostWhereItWas) {
  const auto few = fit_choice(sampled({3.0, -1.0}, 4, 3), {0.5, 0.5}, 20.0);
  EXPECT_NEAR(few.theta[0], 0.5, 0.15);
  EXPECT_NEAR(few.theta[1], 0.5, 0.15);
  // No examples at all: the prior itself.
  const auto none = fit_choice({}, {0.5, 0.5}, 1.0);
  EXPECT_EQ(none.theta, (std::vector<double>{0.5, 0.5}));
}

TEST(ChoiceModel, MalformedExamplesAreIgnored) {
  auto good = sampled({2.0, 1.0}, 300, 5);
  auto mixed = good;
  ChoiceExample out_of_range{{{1.0, 0.0}, {0.0, 1.0}}, 5, 1.0};
  ChoiceExample short_features{{{1.0}, {0.0}}, 0, 1.0};
  ChoiceExample not_finite{{{NAN, 0.0}, {0.0, 1.0}}, 0, 1.0};
  ChoiceExample one_candidate{{{1.0, 0.0}}, 0, 1.0};
  ChoiceExample no_weight{{{1.0, 0.0}, {0.0, 1.0}}, 0, 0.0};
  mixed.insert(mixed.begin(), {out_of_range, short_features, not_finite, one_candidate, no_weight});
  const auto a = fit_choice(good, {0.0, 0.0}, 0.5), b = fit_choice(mixed, {0.0, 0.0}, 0.5);
  EXPECT_NEAR(a.theta[0], b.theta[0], 1e-9);
  EXPECT_NEAR(a.theta[1], b.theta[1], 1e-9);
}

TEST(ChoiceModel, WeightsCountAsRepeatedExamples) {
  auto once = sampled({1.0, 2.0}, 200, 11);
  auto twice = once;
  twice.insert(twice.end(), once.begin(), once.end());
  for (auto& e : once) e.weight = 2.0;
  const auto a = fit_choice(once, {0.0, 0.0}, 0.5), b = fit_choice(twice, {0.0, 0.0}, 0.5);
  EXPECT_NEAR(a.theta[0], b.theta[0], 1e-6);
  EXPECT_NEAR(a.theta[1], b.theta[1], 1e-6);
}

TEST(ChoiceModel, TheBestChoiceIsTheFirstOfTheHighestScores) {
  EXPECT_EQ(best_choice({{1.0, 0.0}, {0.0, 2.0}, {0.0, 2.0}}, {1.0, 1.0}), 1);
  EXPECT_EQ(best_choice({}, {1.0}), -1);
  EXPECT_EQ(best_choice({{1.0, 2.0}}, {1.0}), -1);  // features of another length
}
