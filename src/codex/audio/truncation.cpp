#include "codex/audio/truncation.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace codex::audio {
namespace {

struct File {
  int fd = -1;
  int64_t size = 0;
  explicit File(const std::string& path) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd >= 0 && ::fstat(fd, &st) == 0) size = st.st_size;
  }
  ~File() {
    if (fd >= 0) ::close(fd);
  }
  // Bytes [at, at + n) clipped to the file; empty on error.
  std::vector<uint8_t> read(int64_t at, int64_t n) const {
    if (fd < 0 || at < 0 || at >= size) return {};
    n = std::min(n, size - at);
    std::vector<uint8_t> b(static_cast<size_t>(n));
    const ssize_t got = ::pread(fd, b.data(), b.size(), at);
    b.resize(got > 0 ? static_cast<size_t>(got) : 0);
    return b;
  }
};

uint32_t le32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24); }

// RIFF/WAVE: the "data" chunk's declared size against the bytes present.
bool wav_ends_early(const File& f) {
  const auto head = f.read(0, 1 << 16);
  if (head.size() < 12 || std::memcmp(head.data(), "RIFF", 4) != 0 || std::memcmp(head.data() + 8, "WAVE", 4) != 0) {
    return false;  // RF64 and others: not judged
  }
  size_t at = 12;
  while (at + 8 <= head.size()) {
    const uint32_t size = le32(head.data() + at + 4);
    if (std::memcmp(head.data() + at, "data", 4) == 0) {
      if (size == 0 || size == 0xffffffffu) return false;  // written as a stream: no promise made
      return static_cast<int64_t>(at + 8) + size > f.size;
    }
    at += 8 + size + (size & 1);
  }
  return false;
}

// Ogg: the last page must be whole and marked end-of-stream.
bool ogg_ends_early(const File& f) {
  const int64_t window = std::min<int64_t>(f.size, 1 << 17);
  const int64_t base = f.size - window;
  const auto tail = f.read(base, window);
  if (static_cast<int64_t>(tail.size()) != window) return false;
  for (int64_t i = window - 4; i >= 0; --i) {
    const uint8_t* p = tail.data() + i;
    if (std::memcmp(p, "OggS", 4) != 0) continue;
    if (i + 27 > window) return true;  // the page header itself is cut
    if (p[4] != 0) continue;           // not a page (version 0 only)
    const int segments = p[26];
    if (i + 27 + segments > window) return true;
    int64_t end = i + 27 + segments;
    for (int s = 0; s < segments; ++s) end += p[27 + s];
    if (end > window) return true;        // the last page is cut
    if (end == window) return (p[5] & 0x04) == 0;  // whole: it must end the stream
    // A page ending before the end of the file: trailing bytes after the last page; not judged.
    return false;
  }
  return false;
}

// ADTS: walk the frames by their declared lengths; the last must end at the end of the file.
bool adts_ends_early(const File& f) {
  int64_t at = 0;
  const auto id3 = f.read(0, 10);
  if (id3.size() == 10 && std::memcmp(id3.data(), "ID3", 3) == 0) {
    at = 10 + ((id3[6] & 0x7f) << 21 | (id3[7] & 0x7f) << 14 | (id3[8] & 0x7f) << 7 | (id3[9] & 0x7f));
  }
  constexpr int64_t kChunk = 1 << 16;
  std::vector<uint8_t> buf;
  int64_t buf_at = 0;
  while (at < f.size) {
    if (at < buf_at || at + 7 > buf_at + static_cast<int64_t>(buf.size())) {
      buf = f.read(at, kChunk);
      buf_at = at;
      if (buf.size() < 7) return true;  // a frame header cut short
    }
    const uint8_t* h = buf.data() + (at - buf_at);
    if (h[0] != 0xff || (h[1] & 0xf0) != 0xf0) return false;  // lost sync: damaged or a tag, not judged
    const int64_t length = ((h[3] & 0x03) << 11) | (h[4] << 3) | ((h[5] & 0xe0) >> 5);
    if (length < 7) return false;
    at += length;
  }
  return at > f.size;
}

}  // namespace

bool ends_early(const std::string& path, std::string_view container) {
  if (container != "wav" && container != "ogg" && container != "aac") return false;
  const File f(path);
  if (f.fd < 0 || f.size <= 0) return false;
  if (container == "wav") return wav_ends_early(f);
  if (container == "ogg") return ogg_ends_early(f);
  return adts_ends_early(f);
}

}  // namespace codex::audio
