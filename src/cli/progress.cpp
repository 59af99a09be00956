#include "progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include "codex/core/text.h"

namespace codex::cli {

ProgressBar::ProgressBar(bool enabled) : enabled_(enabled) {}
ProgressBar::~ProgressBar() { end(); }

bool ProgressBar::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

void ProgressBar::begin(size_t total, std::string unit) {
  std::lock_guard<std::mutex> lock(mu_);
  total_ = total;
  done_ = 0;
  unit_ = std::move(unit);
  start_ = std::chrono::steady_clock::now();
  draw(true);
}

void ProgressBar::set_current(const std::string& label) {
  std::lock_guard<std::mutex> lock(mu_);
  const size_t slash = label.find_last_of('/');
  current_ = printable(slash == std::string::npos ? label : label.substr(slash + 1));
  draw(false);
}

void ProgressBar::advance(size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  done_ += n;
  draw(done_ == total_);
}

void ProgressBar::message(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  if (enabled_ && drawn_) std::fputs("\r\033[2K", stderr);
  std::fputs(printable(line).c_str(), stderr);  // paths and reasons are outside text
  std::fputc('\n', stderr);
  if (enabled_) draw(true);
}

void ProgressBar::end() {
  std::lock_guard<std::mutex> lock(mu_);
  if (enabled_ && drawn_) {
    std::fputs("\r\033[2K", stderr);
    std::fflush(stderr);
  }
  drawn_ = false;
  enabled_ = false;
}

void ProgressBar::draw(bool force) {
  if (!enabled_ || total_ == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  winsize ws{};
  int width = 80;
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) width = ws.ws_col;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0.2 ? static_cast<double>(done_) / elapsed : 0.0;
  char eta[32] = "--:--";
  if (rate > 0 && done_ < total_) {
    const auto s = static_cast<long>(static_cast<double>(total_ - done_) / rate);
    std::snprintf(eta, sizeof eta, "%ld:%02ld", s / 60, s % 60);
  } else if (done_ >= total_) {
    std::snprintf(eta, sizeof eta, "0:00");
  }
  const int bar_w = 24;
  const int filled = static_cast<int>(bar_w * static_cast<double>(done_) / static_cast<double>(total_));
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(bar_w - filled), '-');
  char head[160];
  std::snprintf(head, sizeof head, "[%s] %zu/%zu %s  %.1f/s  ETA %s  ", bar.c_str(), done_, total_, unit_.c_str(),
                rate, eta);
  std::string line = head + current_;
  if (static_cast<int>(line.size()) > width - 1) line.resize(static_cast<size_t>(width - 1));
  std::fprintf(stderr, "\r\033[2K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace codex::cli
