// A one-line progress bar on stderr, drawn only when stderr is a terminal. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace codex::cli {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  ~ProgressBar();
  static bool stderr_is_terminal();

  void begin(size_t total, std::string unit);
  void set_current(const std::string& label);
  void advance(size_t n = 1);
  // Prints a line above the bar (the bar is redrawn after it).
  void message(const std::string& line);
  void end();

 private:
  void draw(bool force);
  bool enabled_;
  std::mutex mu_;
  size_t total_ = 0, done_ = 0;
  std::string unit_, current_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool drawn_ = false;
};

}  // namespace codex::cli
