#include "codex/analysis/choice_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace codex::analysis {
namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

bool usable(const ChoiceExample& e, size_t dims) {
  if (e.candidates.size() < 2 || e.chosen < 0 || static_cast<size_t>(e.chosen) >= e.candidates.size()) return false;
  if (!(e.weight > 0) || !std::isfinite(e.weight)) return false;
  for (const auto& c : e.candidates) {
    if (c.size() != dims) return false;
    for (double v : c) {
      if (!std::isfinite(v)) return false;
    }
  }
  return true;
}

// Softmax probabilities of the candidates under theta (max-shifted).
std::vector<double> probabilities(const ChoiceExample& e, const std::vector<double>& theta) {
  std::vector<double> p(e.candidates.size());
  double top = -std::numeric_limits<double>::infinity();
  for (size_t c = 0; c < p.size(); ++c) top = std::max(top, p[c] = dot(e.candidates[c], theta));
  double z = 0.0;
  for (double& v : p) z += v = std::exp(v - top);
  for (double& v : p) v /= z;
  return p;
}

double loss_at(const std::vector<const ChoiceExample*>& ex, const std::vector<double>& theta,
               const std::vector<double>& prior, double ridge) {
  double loss = 0.0;
  for (const ChoiceExample* e : ex) {
    const auto p = probabilities(*e, theta);
    loss -= e->weight * std::log(std::max(p[static_cast<size_t>(e->chosen)], 1e-300));
  }
  for (size_t i = 0; i < theta.size(); ++i) loss += ridge * (theta[i] - prior[i]) * (theta[i] - prior[i]);
  return loss;
}

// Solves H x = g by Gaussian elimination with partial pivoting (H is small and, with the ridge,
// positive definite). False when it is singular.
bool solve(std::vector<std::vector<double>> h, std::vector<double> g, std::vector<double>& x) {
  const size_t n = g.size();
  for (size_t col = 0; col < n; ++col) {
    size_t piv = col;
    for (size_t r = col + 1; r < n; ++r) {
      if (std::fabs(h[r][col]) > std::fabs(h[piv][col])) piv = r;
    }
    if (std::fabs(h[piv][col]) < 1e-12) return false;
    std::swap(h[piv], h[col]);
    std::swap(g[piv], g[col]);
    for (size_t r = col + 1; r < n; ++r) {
      const double f = h[r][col] / h[col][col];
      for (size_t k = col; k < n; ++k) h[r][k] -= f * h[col][k];
      g[r] -= f * g[col];
    }
  }
  x.assign(n, 0.0);
  for (size_t i = n; i-- > 0;) {
    double s = g[i];
    for (size_t k = i + 1; k < n; ++k) s -= h[i][k] * x[k];
    x[i] = s / h[i][i];
  }
  return true;
}

}  // namespace

ChoiceFit fit_choice(const std::vector<ChoiceExample>& examples, const std::vector<double>& prior, double ridge,
                     int max_iterations) {
  const size_t d = prior.size();
  std::vector<const ChoiceExample*> ex;
  for (const auto& e : examples) {
    if (usable(e, d)) ex.push_back(&e);
  }
  ChoiceFit fit;
  fit.theta = prior;
  ridge = std::max(ridge, 1e-6);
  fit.loss = loss_at(ex, fit.theta, prior, ridge);
  for (int it = 0; it < max_iterations; ++it) {
    std::vector<double> grad(d, 0.0);
    std::vector<std::vector<double>> hess(d, std::vector<double>(d, 0.0));
    for (const ChoiceExample* e : ex) {
      const auto p = probabilities(*e, fit.theta);
      std::vector<double> mean(d, 0.0);
      for (size_t c = 0; c < p.size(); ++c) {
        for (size_t i = 0; i < d; ++i) mean[i] += p[c] * e->candidates[c][i];
      }
      const auto& y = e->candidates[static_cast<size_t>(e->chosen)];
      for (size_t i = 0; i < d; ++i) grad[i] += e->weight * (mean[i] - y[i]);
      for (size_t c = 0; c < p.size(); ++c) {
        const auto& f = e->candidates[c];
        for (size_t i = 0; i < d; ++i) {
          const double a = e->weight * p[c] * (f[i] - mean[i]);
          for (size_t j = 0; j < d; ++j) hess[i][j] += a * (f[j] - mean[j]);
        }
      }
    }
    for (size_t i = 0; i < d; ++i) {
      grad[i] += 2.0 * ridge * (fit.theta[i] - prior[i]);
      hess[i][i] += 2.0 * ridge;
    }
    std::vector<double> step;
    if (!solve(hess, grad, step)) break;
    // Halve the Newton step until the loss falls.
    bool moved = false;
    for (double scale = 1.0; scale > 1e-4; scale *= 0.5) {
      std::vector<double> next = fit.theta;
      for (size_t i = 0; i < d; ++i) next[i] -= scale * step[i];
      const double l = loss_at(ex, next, prior, ridge);
      if (l < fit.loss) {
        const double gain = fit.loss - l;
        fit.theta = next;
        fit.loss = l;
        moved = gain > 1e-9 * std::max(1.0, std::fabs(l));
        break;
      }
    }
    fit.iterations = it + 1;
    if (!moved) break;
  }
  return fit;
}

int best_choice(const std::vector<std::vector<double>>& candidates, const std::vector<double>& theta) {
  int best = -1;
  double top = -std::numeric_limits<double>::infinity();
  for (size_t c = 0; c < candidates.size(); ++c) {
    if (candidates[c].size() != theta.size()) continue;
    const double s = dot(candidates[c], theta);
    if (s > top) {
      top = s;
      best = static_cast<int>(c);
    }
  }
  return best;
}

}  // namespace codex::analysis
