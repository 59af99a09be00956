#include "codex/core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace codex::files {

Status require_regular(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::Error("cannot read " + what + " " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return Status::Error(what + " " + path + " is not a regular file");
  return Status::Ok();
}

Result<std::string> read_regular(const std::string& path, const std::string& what, size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO returns at once (then fstat refuses it) instead of waiting for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Status::Error("cannot read " + what + " " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::Error(what + " " + path + " is not a regular file");
  }
  if (static_cast<unsigned long long>(st.st_size) > max_bytes) {
    ::close(fd);
    return Status::Error(what + " " + path + " is larger than " + std::to_string(max_bytes >> 20) + " MB");
  }
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return Status::Error("cannot read " + what + " " + path + ": " + why);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      ::close(fd);
      return Status::Error(what + " " + path + " is larger than " + std::to_string(max_bytes >> 20) + " MB");
    }
  }
  ::close(fd);
  return out;
}

}  // namespace codex::files
