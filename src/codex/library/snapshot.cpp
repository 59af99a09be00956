#include "codex/library/snapshot.h"


#include <signal.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>

#include "codex/core/checksum.h"
#include "codex/core/text.h"
#include "codex/library/embedding.h"
#include "codex/library/records.h"
#include "codex/semantic/local_fill.h"
#include "codex/semantic/mood_model.h"

namespace codex::library {
namespace {

static_assert(std::endian::native == std::endian::little, "the snapshot is written little-endian");

constexpr char kMagic[8] = {'C', 'D', 'X', 'S', 'N', 'A', 'P', '1'};
constexpr size_t kHeaderBytes = 512;
constexpr size_t kAlign = 64;
constexpr size_t kFields = static_cast<size_t>(SnapField::kCount);

enum Section : int {
  kStrings,
  kOffsets,
  kBpm,
  kEnergy,
  kMixIn,
  kMixOut,
  kDuration,
  kKey,
  kIdHash,
  kVectors,
  kChecks,
  kCompact,
  kArtistRank,
  kTitleRank,
  kMeta,
  kMood,
  kSections
};

struct SectionEntry {
  uint64_t offset = 0, bytes = 0, checksum = 0;
};

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t dims;
  uint64_t count;
  char stamp[64];
  uint32_t sections;
  uint32_t reserved;
  SectionEntry section[kSections];
};
static_assert(sizeof(Header) + 8 <= kHeaderBytes);

size_t align_up(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

template <class T>
std::string_view bytes_of(const std::vector<T>& v) {
  return {reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)};
}

float or_nan(const std::optional<double>& v) { return v ? static_cast<float>(*v) : std::nanf(""); }

std::optional<double> finite(double v) { return std::isfinite(v) ? std::optional<double>(v) : std::nullopt; }

}  // namespace

// ---- writing ----

namespace {

// Writes the header and the sections, each 64-byte aligned; false on a short write.
bool write_sections(std::FILE* f, const char* header, const std::string_view* parts) {
  bool ok = std::fwrite(header, 1, kHeaderBytes, f) == kHeaderBytes;
  size_t pos = kHeaderBytes;
  static const char zeros[kAlign] = {};
  for (int s = 0; s < kSections && ok; ++s) {
    // (An empty section of an empty library has no data pointer: fwrite must not see it.)
    if (!parts[s].empty()) ok = std::fwrite(parts[s].data(), 1, parts[s].size(), f) == parts[s].size();
    pos += parts[s].size();
    const size_t pad = s + 1 < kSections ? align_up(pos) - pos : 0;
    if (ok && pad) ok = std::fwrite(zeros, 1, pad, f) == pad;
    pos += pad;
  }
  return std::fflush(f) == 0 && ok;
}

// The snapshot of `records` into `into` when given (a file already open: the memory-only copy),
// else to `file` through a temporary file renamed over it.
Status write_snapshot_to(std::FILE* into, const std::string& file, const std::string& stamp,
                         const std::vector<schema::TrackRecord>& records) {
  if (stamp.size() >= 64) return Status::Error("snapshot stamp too long");
  const size_t n = records.size();
  std::string strings;
  std::vector<uint32_t> offsets;
  offsets.reserve(n * kFields + 1);
  std::vector<double> bpm(n);
  std::vector<float> energy(n), mix_in(n), mix_out(n), duration(n), mood(2 * n);
  std::vector<int8_t> key(n);
  std::vector<uint32_t> id_hash(n), checks(n);
  std::vector<float> vectors(n * static_cast<size_t>(embed::kDims));
  std::vector<int8_t> compact(vectors.size());
  std::set<std::string> genres, moods;
  for (size_t i = 0; i < n; ++i) {
    const schema::TrackRecord& r = records[i];
    const rank::TrackFeatures t = rank::features_from_record(r);
    std::string mood_lines;
    for (const auto& m : t.moods) mood_lines += (mood_lines.empty() ? "" : "\n") + m, moods.insert(m);
    if (!t.genre.empty()) genres.insert(t.genre);
    for (const std::string* s : {&t.track_id, &t.title, &t.artist, &t.file_path, &t.genre}) {
      offsets.push_back(static_cast<uint32_t>(strings.size()));
      strings += *s;
    }
    for (const auto* s : {&t.vibe, &t.vocal_presence, &t.intensity, &t.groove}) {
      offsets.push_back(static_cast<uint32_t>(strings.size()));
      if (*s) strings += **s;
    }
    offsets.push_back(static_cast<uint32_t>(strings.size()));
    strings += mood_lines;
    if (strings.size() > 0xFFFFFFF0u) return Status::Error("the library's text is too large for a snapshot (4 GiB)");
    bpm[i] = t.bpm ? *t.bpm : std::nan("");
    energy[i] = or_nan(t.energy);
    mood[2 * i] = or_nan(t.valence);
    mood[2 * i + 1] = or_nan(t.arousal);
    mix_in[i] = or_nan(t.mix_in);
    mix_out[i] = or_nan(t.mix_out);
    duration[i] = r.duration_seconds ? static_cast<float>(*r.duration_seconds) : std::nanf("");
    key[i] = t.key ? static_cast<int8_t>(t.key->tonic * 2 + (t.key->minor ? 1 : 0)) : int8_t{-1};
    id_hash[i] = rank::id_hash32(t.track_id);
    const embed::Vector v = embed::embed_record(r);
    float* dst = vectors.data() + i * static_cast<size_t>(embed::kDims);
    std::copy(v.begin(), v.end(), dst);
    checks[i] = index::vector_check(dst, embed::kDims);
    index::quantise_unit(dst, embed::kDims, compact.data() + i * static_cast<size_t>(embed::kDims));
  }
  offsets.push_back(static_cast<uint32_t>(strings.size()));
  // Each track's place in (artist, title) and (title, artist) order ignoring case, so that the
  // booth can sort a million rows by comparing numbers.
  std::vector<uint32_t> artist_rank(n), title_rank(n);
  {
    std::vector<std::pair<std::string, uint32_t>> keys(n);
    auto fill_rank = [&](int first, int second, std::vector<uint32_t>* rank) {
      for (size_t i = 0; i < n; ++i) {
        const size_t k = i * kFields;
        const std::string_view a(strings.data() + offsets[k + first], offsets[k + first + 1] - offsets[k + first]);
        const std::string_view b(strings.data() + offsets[k + second], offsets[k + second + 1] - offsets[k + second]);
        keys[i] = {ascii_lower(a) + '\x1f' + ascii_lower(b), static_cast<uint32_t>(i)};
      }
      std::sort(keys.begin(), keys.end());
      for (size_t r = 0; r < n; ++r) (*rank)[keys[r].second] = static_cast<uint32_t>(r);
    };
    fill_rank(static_cast<int>(SnapField::kArtist), static_cast<int>(SnapField::kTitle), &artist_rank);
    fill_rank(static_cast<int>(SnapField::kTitle), static_cast<int>(SnapField::kArtist), &title_rank);
  }
  bool sorted = true;
  for (size_t i = 1; i < n && sorted; ++i) sorted = records[i - 1].track_id.value_or("") < records[i].track_id.value_or("");
  const embed::AcousticDirections dirs = acoustic_directions(records);
  nlohmann::json meta = {{"tracks", n},
                         {"sorted", sorted},
                         {"genres", std::vector<std::string>(genres.begin(), genres.end())},
                         {"moods", std::vector<std::string>(moods.begin(), moods.end())},
                         {"energy_direction", dirs.energy},
                         {"vibe_directions", dirs.vibe}};
  const std::string meta_text = meta.dump();

  const std::string_view parts[kSections] = {
      strings,          bytes_of(offsets), bytes_of(bpm),     bytes_of(energy), bytes_of(mix_in),
      bytes_of(mix_out), bytes_of(duration), bytes_of(key),   bytes_of(id_hash), bytes_of(vectors),
      bytes_of(checks), bytes_of(compact), bytes_of(artist_rank), bytes_of(title_rank), meta_text, bytes_of(mood)};
  Header h{};
  std::memcpy(h.magic, kMagic, 8);
  h.version = kSnapshotVersion;
  h.dims = embed::kDims;
  h.count = n;
  std::memcpy(h.stamp, stamp.data(), stamp.size());
  h.sections = kSections;
  size_t at = kHeaderBytes;
  for (int s = 0; s < kSections; ++s) {
    h.section[s] = {at, parts[s].size(), s == kVectors ? 0 : checksum64(parts[s].data(), parts[s].size(), s)};
    at = align_up(at + parts[s].size());
  }
  char header[kHeaderBytes] = {};
  std::memcpy(header, &h, sizeof h);
  const uint64_t hc = checksum64(header, kHeaderBytes - 8);
  std::memcpy(header + kHeaderBytes - 8, &hc, 8);

  if (into) {
    if (!write_sections(into, header, parts)) return Status::Io(std::string("cannot write the snapshot in memory: ") + std::strerror(errno));
    return Status::Ok();
  }
  // A run killed while writing leaves its temporary file: those of processes gone are removed.
  {
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::path(file).parent_path().empty() ? "." : std::filesystem::path(file).parent_path();
    const std::string prefix = std::filesystem::path(file).filename().string() + ".tmp-";
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind(prefix, 0) != 0) continue;
      const std::string pid = name.substr(prefix.size());
      if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos || pid.size() > 9) continue;
      const pid_t owner = static_cast<pid_t>(std::stol(pid));
      if (owner != ::getpid() && ::kill(owner, 0) != 0 && errno == ESRCH) std::filesystem::remove(e.path(), ec);
    }
  }
  const std::string tmp = file + ".tmp-" + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status::Error("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = write_sections(f, header, parts);
  ok = ::fsync(::fileno(f)) == 0 && ok;
  const int err = errno;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), file.c_str()) != 0) {
    const std::string why = std::strerror(ok ? errno : err);
    std::remove(tmp.c_str());
    return Status::Error("cannot write " + file + ": " + why);
  }
  return Status::Ok();
}

}  // namespace

Status write_snapshot(const std::string& file, const std::string& stamp, const std::vector<schema::TrackRecord>& records) {
  return write_snapshot_to(nullptr, file, stamp, records);
}

// ---- mapping ----

Snapshot::~Snapshot() {
  if (base_) ::munmap(base_, bytes_);
  if (fd_ >= 0) ::close(fd_);
}

namespace {

// Reads [from, to) of `fd` into `into + from`; false on a short read (the file shrank meanwhile).
bool read_range(int fd, char* into, uint64_t from, uint64_t to) {
  while (from < to) {
    const ssize_t n = ::pread(fd, into + from, static_cast<size_t>(to - from), static_cast<off_t>(from));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    from += static_cast<uint64_t>(n);
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<Snapshot>> Snapshot::map(const std::string& file, const std::string& stamp) {
  // O_NONBLOCK: a FIFO at the path is refused at once (below) instead of waiting for a writer.
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Status::Error(errno == ENOENT ? "missing" : std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  std::unique_ptr<Snapshot> s(new Snapshot());
  s->fd_ = fd;  // kept for the float vectors (read when asked for)
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return Status::Error("damaged: not a regular file");
  if (st.st_size < static_cast<off_t>(kHeaderBytes)) return Status::Error("damaged: shorter than its header");
  s->bytes_ = static_cast<size_t>(st.st_size);
  // Read into private memory, not mapped from the file: a mapped file cut short while the booth
  // serves from it kills the process with SIGBUS at the next touch of a page past the new end.
  // The float vectors alone stay in the file (read a few hundred a query, each checked); their
  // pages of this buffer are never touched, so they take no memory.
  void* base = ::mmap(nullptr, s->bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return Status::Error(std::string("cannot allocate: ") + std::strerror(errno));
  s->base_ = base;
  char* buffer = static_cast<char*>(base);
  if (!read_range(fd, buffer, 0, kHeaderBytes)) return Status::Error("damaged: shorter than its header");
  {
    Header peek;
    std::memcpy(&peek, buffer, sizeof peek);
    uint64_t skip_from = s->bytes_, skip_to = s->bytes_;
    if (std::memcmp(peek.magic, kMagic, 8) == 0 && peek.sections == kSections) {
      const SectionEntry& v = peek.section[kVectors];
      if (v.offset >= kHeaderBytes && v.offset <= s->bytes_ && v.bytes <= s->bytes_ - v.offset) {
        skip_from = v.offset;
        skip_to = v.offset + v.bytes;
      }
    }
    if (!read_range(fd, buffer, kHeaderBytes, skip_from) || !read_range(fd, buffer, skip_to, s->bytes_)) {
      return Status::Error("damaged: shorter than it was a moment ago");
    }
  }
  const char* p = static_cast<const char*>(base);
  Header h;
  std::memcpy(&h, p, sizeof h);
  uint64_t hc;
  std::memcpy(&hc, p + kHeaderBytes - 8, 8);
  if (std::memcmp(h.magic, kMagic, 8) != 0) return Status::Error("damaged: not a CODEX snapshot");
  if (h.version != kSnapshotVersion) return Status::Error("stale: format version " + std::to_string(h.version));
  if (checksum64(p, kHeaderBytes - 8) != hc) return Status::Error("damaged: header checksum");
  if (h.dims != static_cast<uint32_t>(embed::kDims) || h.sections != kSections) return Status::Error("stale: another layout");
  s->stamp_.assign(h.stamp, strnlen(h.stamp, sizeof h.stamp));
  if (s->stamp_ != stamp) return Status::Error("stale");
  if (h.count > (1ull << 31)) return Status::Error("damaged: track count");
  const size_t n = h.count;
  const size_t dims = static_cast<size_t>(embed::kDims);
  const size_t expect[kSections] = {SIZE_MAX, (n * kFields + 1) * 4, n * 8, n * 4, n * 4,    n * 4, n * 4, n, n * 4,
                                    n * dims * 4, n * 4, n * dims, n * 4, n * 4, SIZE_MAX, n * 8};
  for (int k = 0; k < kSections; ++k) {
    const SectionEntry& e = h.section[k];
    if (e.offset % kAlign != 0 || e.offset < kHeaderBytes || e.offset > s->bytes_ || e.bytes > s->bytes_ - e.offset) {
      return Status::Error("damaged: section " + std::to_string(k) + " lies outside the file");
    }
    if (expect[k] != SIZE_MAX && e.bytes != expect[k]) return Status::Error("damaged: section " + std::to_string(k) + " size");
    if (k != kVectors && checksum64(p + e.offset, e.bytes, static_cast<uint64_t>(k)) != e.checksum) {
      return Status::Error("damaged: section " + std::to_string(k) + " checksum");
    }
  }
  if (h.section[kSections - 1].offset + h.section[kSections - 1].bytes != s->bytes_) {
    return Status::Error("damaged: the file's size is not what its header says");
  }
  auto at = [&](int k) { return p + h.section[k].offset; };

  s->count_ = n;
  s->strings_ = at(kStrings);
  s->offsets_ = reinterpret_cast<const uint32_t*>(at(kOffsets));
  for (size_t i = 0; i < n * kFields; ++i) {
    if (s->offsets_[i] > s->offsets_[i + 1]) return Status::Error("damaged: string offsets");
  }
  if (s->offsets_[n * kFields] > h.section[kStrings].bytes) return Status::Error("damaged: string offsets");
  s->bpm_ = reinterpret_cast<const double*>(at(kBpm));
  {
    const auto* a = reinterpret_cast<const uint32_t*>(at(kArtistRank));
    const auto* t = reinterpret_cast<const uint32_t*>(at(kTitleRank));
    s->artist_rank_storage_.assign(a, a + n);
    s->title_rank_storage_.assign(t, t + n);
    s->artist_rank_ = s->artist_rank_storage_.data();
    s->title_rank_ = s->title_rank_storage_.data();
  }
  s->strings_bytes_ = h.section[kStrings].bytes;
  s->vectors_range_ = {h.section[kVectors].offset, h.section[kVectors].bytes};
  for (size_t i = 0; i < n; ++i) {
    if (s->artist_rank_[i] >= n || s->title_rank_[i] >= n) return Status::Error("damaged: sort ranks");
  }
  s->energy_ = reinterpret_cast<const float*>(at(kEnergy));
  s->mood_ = reinterpret_cast<const float*>(at(kMood));
  s->mix_in_ = reinterpret_cast<const float*>(at(kMixIn));
  s->mix_out_ = reinterpret_cast<const float*>(at(kMixOut));
  s->duration_ = reinterpret_cast<const float*>(at(kDuration));
  const auto* key = reinterpret_cast<const int8_t*>(at(kKey));
  const auto* id_hash = reinterpret_cast<const uint32_t*>(at(kIdHash));
  s->packed_.bpm.assign(s->bpm_, s->bpm_ + n);
  s->packed_.key.assign(key, key + n);
  s->packed_.id_hash.assign(id_hash, id_hash + n);
  s->packed_.mood.assign(s->mood_, s->mood_ + 2 * n);
  for (int8_t k : s->packed_.key) {
    if (k < -1 || k >= 24) return Status::Error("damaged: key values");
  }
  // The float vectors are read a few hundred at a time, scattered: with pread, not through the
  // map, which on kernels that cache files in large folios would map megabytes around each one.
  const uint64_t vectors_at = h.section[kVectors].offset;
  const int vfd = s->fd_;
  s->index_ = index::make_mapped_index(
      embed::kDims, n, reinterpret_cast<const int8_t*>(at(kCompact)),
      [vfd, vectors_at](uint32_t id, float* out) {
        const size_t bytes = sizeof(float) * static_cast<size_t>(embed::kDims);
        const auto off = static_cast<off_t>(vectors_at + static_cast<uint64_t>(id) * bytes);
        return ::pread(vfd, out, bytes, off) == static_cast<ssize_t>(bytes);
      },
      reinterpret_cast<const uint32_t*>(at(kChecks)));
  const nlohmann::json meta = nlohmann::json::parse(at(kMeta), at(kMeta) + h.section[kMeta].bytes, nullptr, false);
  if (!meta.is_object()) return Status::Error("damaged: meta");
  try {
    s->vocabulary_.genres = meta.at("genres").get<std::vector<std::string>>();
    s->vocabulary_.moods = meta.at("moods").get<std::vector<std::string>>();
    s->directions_.energy = meta.at("energy_direction").get<std::vector<float>>();
    s->directions_.vibe = meta.at("vibe_directions").get<std::array<std::vector<float>, 6>>();
    s->sorted_ = meta.at("sorted").get<bool>();
  } catch (const nlohmann::json::exception&) {
    return Status::Error("damaged: meta");
  }
  return s;
}

std::string_view Snapshot::field(size_t i, SnapField f) const {
  // Checked when mapped; clamped again here, since the mapping is shared with the file.
  const size_t k = i * kFields + static_cast<size_t>(f);
  const size_t from = std::min<size_t>(offsets_[k], strings_bytes_), to = std::min<size_t>(offsets_[k + 1], strings_bytes_);
  return {strings_ + from, to > from ? to - from : 0};
}

std::optional<size_t> Snapshot::find(std::string_view id) const {
  if (!sorted_) {
    for (size_t i = 0; i < count_; ++i) {
      if (field(i, SnapField::kTrackId) == id) return i;
    }
    return std::nullopt;
  }
  size_t lo = 0, hi = count_;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (field(mid, SnapField::kTrackId) < id) lo = mid + 1;
    else hi = mid;
  }
  if (lo < count_ && field(lo, SnapField::kTrackId) == id) return lo;
  return std::nullopt;
}

std::optional<double> Snapshot::bpm(size_t i) const { return finite(bpm_[i]); }
std::optional<double> Snapshot::energy(size_t i) const { return finite(energy_[i]); }
std::optional<double> Snapshot::duration(size_t i) const { return finite(duration_[i]); }
std::optional<double> Snapshot::valence(size_t i) const { return finite(mood_[2 * i]); }
std::optional<double> Snapshot::arousal(size_t i) const { return finite(mood_[2 * i + 1]); }

std::optional<music::Key> Snapshot::key(size_t i) const {
  const int8_t k = packed_.key[i];
  if (k < 0) return std::nullopt;
  return music::Key{k / 2, (k % 2) == 1};
}

std::vector<std::string> Snapshot::moods(size_t i) const {
  std::vector<std::string> out;
  const std::string_view all = field(i, SnapField::kMoods);
  size_t start = 0;
  while (start < all.size()) {
    const size_t end = std::min(all.find('\n', start), all.size());
    out.emplace_back(all.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

rank::TrackFeatures Snapshot::features(size_t i) const {
  auto text = [&](SnapField f) { return std::string(field(i, f)); };
  auto optional_text = [&](SnapField f) {
    const std::string_view v = field(i, f);
    return v.empty() ? std::nullopt : std::optional<std::string>(v);
  };
  rank::TrackFeatures t;
  t.track_id = text(SnapField::kTrackId);
  t.title = text(SnapField::kTitle);
  t.artist = text(SnapField::kArtist);
  t.file_path = text(SnapField::kFilePath);
  t.genre = text(SnapField::kGenre);
  t.bpm = bpm(i);
  t.key = key(i);
  t.energy = energy(i);
  t.vibe = optional_text(SnapField::kVibe);
  t.vocal_presence = optional_text(SnapField::kVocalPresence);
  t.intensity = optional_text(SnapField::kIntensity);
  t.groove = optional_text(SnapField::kGroove);
  t.mix_in = finite(mix_in_[i]);
  t.mix_out = finite(mix_out_[i]);
  t.moods = moods(i);
  t.valence = valence(i);
  t.arousal = arousal(i);
  return t;
}

schema::TrackRecord Snapshot::steering_record(size_t i) const {
  schema::TrackRecord r;
  if (auto e = energy(i)) r.energy.set(static_cast<int64_t>(std::lround(*e)));
  if (auto v = schema::Vibe::parse(std::string(field(i, SnapField::kVibe)))) r.vibe.set(*v);
  if (auto v = valence(i), a = arousal(i); v && a) r.extra["valence"] = *v, r.extra["arousal"] = *a;
  return r;
}

const rank::TrackFeatures& SnapshotTable::at(size_t i) const {
  auto& slot = built_[i];
  if (!slot) slot = std::make_unique<rank::TrackFeatures>(s_.features(i));
  return *slot;
}

// ---- the corpus's snapshot ----

std::string snapshot_path_for(const std::string& db_path) { return db_path + ".snapshot"; }

Result<std::string> snapshot_stamp(corpus::Corpus& corpus) {
  auto generation = corpus.generation();
  if (!generation) return generation.status();
  std::string model = "none";
  std::error_code ec;
  const std::string mp = model_path_for(corpus.path());
  if (std::filesystem::exists(mp, ec)) {
    struct stat st {};
    if (::stat(mp.c_str(), &st) != 0) return Status::Error("cannot read " + mp + ": " + std::strerror(errno));
    model = std::to_string(st.st_size) + "@" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
  } else if (ec) {
    return Status::Error("cannot check " + mp + ": " + ec.message());
  }
  const std::string what = "snapshot " + std::to_string(kSnapshotVersion) + "|" + semantic::kLocalFillVersion + "|" +
                           semantic::MoodModel::active().id() + "|" +
                           *generation + "|" + model + "|" + std::to_string(embed::kDims);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(checksum64(what.data(), what.size())));
  return std::string(hex);
}

Result<std::unique_ptr<Snapshot>> open_snapshot(corpus::Corpus& corpus, SnapshotInfo* info,
                                                const std::function<void(const std::string&)>& on_build, bool rebuild) {
  auto stamp = snapshot_stamp(corpus);
  if (!stamp) return stamp.status();
  const std::string file = snapshot_path_for(corpus.path());
  Result<std::unique_ptr<Snapshot>> mapped = Status::Corrupt("damaged: a rebuild was asked for");
  if (!rebuild) {
    mapped = Snapshot::map(file, *stamp);
    if (mapped) return mapped;
  }
  if (on_build) on_build(mapped.status().message());
  auto records = all_records(corpus, RecordDetail::kRank);
  if (!records) return records.status();
  std::string why = mapped.status().message();
  Result<std::unique_ptr<Snapshot>> again = Status::Error("unset");
  if (Status written = write_snapshot(file, *stamp, *records); written) {
    again = Snapshot::map(file, *stamp);
  } else {
    // The corpus's folder cannot take it (read-only, say): a copy in memory only (a memfd: no
    // file another user could see or take the name of), loaded through /proc like a file.
    const int mem = ::memfd_create("codex-snapshot", MFD_CLOEXEC);
    if (mem < 0) return written;
    std::FILE* f = ::fdopen(mem, "wb");
    if (!f) {
      ::close(mem);
      return written;
    }
    const Status t = write_snapshot_to(f, "", *stamp, *records);
    if (t) again = Snapshot::map("/proc/self/fd/" + std::to_string(mem), *stamp);
    std::fclose(f);  // the loaded snapshot holds its own descriptor
    if (!t) return written;
    why += "; kept in memory, as " + written.message();
  }
  if (!again) return Status::Corrupt("the snapshot just written cannot be read: " + again.status().message());
  if (info) {
    info->rebuilt = true;
    info->why = why;
  }
  return again;
}

}  // namespace codex::library
