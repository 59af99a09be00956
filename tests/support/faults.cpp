#include "support/faults.h"

#include <sqlite3.h>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace codex::corpus::faults {
namespace {

std::atomic<int> g_kind{static_cast<int>(Kind::kNone)};
std::atomic<int64_t> g_after{0};
std::atomic<bool> g_once{false};
std::atomic<int64_t> g_ops{0};
std::atomic<int64_t> g_injected{0};

// Counts one operation of kind `k` and says whether it must fail.
bool fire(Kind k) {
  if (g_kind.load(std::memory_order_relaxed) != static_cast<int>(k)) return false;
  const int64_t n = g_ops.fetch_add(1);
  const int64_t after = g_after.load();
  if (n < after || (g_once.load() && n != after)) return false;
  g_injected.fetch_add(1);
  return true;
}

// Our file: the system's file object lives right after it (szOsFile covers both).
struct FaultFile {
  sqlite3_file base;
  bool main_db;
};
static_assert(sizeof(FaultFile) % 8 == 0);
sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<sqlite3_file*>(reinterpret_cast<FaultFile*>(f) + 1); }
const sqlite3_io_methods* rm(sqlite3_file* f) { return real(f)->pMethods; }

int f_close(sqlite3_file* f) { return rm(f)->xClose(real(f)); }
int f_read(sqlite3_file* f, void* buf, int amt, sqlite3_int64 off) {
  if (fire(Kind::kReadError)) return SQLITE_IOERR_READ;
  const int rc = rm(f)->xRead(real(f), buf, amt, off);
  if (rc == SQLITE_OK && reinterpret_cast<FaultFile*>(f)->main_db && fire(Kind::kCorrupt)) {
    std::memset(buf, 0, static_cast<size_t>(amt));
  }
  return rc;
}
int f_write(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 off) {
  if (fire(Kind::kWriteError)) return SQLITE_IOERR_WRITE;
  if (fire(Kind::kFull)) return SQLITE_FULL;
  return rm(f)->xWrite(real(f), buf, amt, off);
}
int f_truncate(sqlite3_file* f, sqlite3_int64 size) { return rm(f)->xTruncate(real(f), size); }
int f_sync(sqlite3_file* f, int flags) { return rm(f)->xSync(real(f), flags); }
int f_size(sqlite3_file* f, sqlite3_int64* size) { return rm(f)->xFileSize(real(f), size); }
// Busy means another writer holds the lock: only a write lock is refused (in WAL mode readers never
// wait for a writer). Offset 0 of the shared-memory locks is WAL's write lock.
int f_lock(sqlite3_file* f, int level) {
  if (level >= SQLITE_LOCK_RESERVED && fire(Kind::kBusy)) return SQLITE_BUSY;
  return rm(f)->xLock(real(f), level);
}
int f_unlock(sqlite3_file* f, int level) { return rm(f)->xUnlock(real(f), level); }
int f_reserved(sqlite3_file* f, int* out) { return rm(f)->xCheckReservedLock(real(f), out); }
int f_control(sqlite3_file* f, int op, void* arg) { return rm(f)->xFileControl(real(f), op, arg); }
int f_sector(sqlite3_file* f) { return rm(f)->xSectorSize(real(f)); }
int f_device(sqlite3_file* f) { return rm(f)->xDeviceCharacteristics(real(f)); }
int f_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return rm(f)->xShmMap(real(f), page, size, extend, out);
}
int f_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  if (offset == 0 && (flags & SQLITE_SHM_LOCK) && (flags & SQLITE_SHM_EXCLUSIVE) && fire(Kind::kBusy)) return SQLITE_BUSY;
  return rm(f)->xShmLock(real(f), offset, n, flags);
}
void f_shm_barrier(sqlite3_file* f) { rm(f)->xShmBarrier(real(f)); }
int f_shm_unmap(sqlite3_file* f, int del) { return rm(f)->xShmUnmap(real(f), del); }

// Version 1 for files without shared memory, 2 for those with it; never 3, so SQLite reads pages
// through xRead (memory-mapped pages would bypass the injection).
const sqlite3_io_methods kMethods1 = {1,       f_close,  f_read,   f_write,    f_truncate, f_sync,   f_size,
                                      f_lock,  f_unlock, f_reserved, f_control, f_sector,  f_device,
                                      nullptr, nullptr,  nullptr,  nullptr,    nullptr,    nullptr};
const sqlite3_io_methods kMethods2 = {2,          f_close,   f_read,   f_write,    f_truncate,   f_sync,
                                      f_size,     f_lock,    f_unlock, f_reserved, f_control,    f_sector,
                                      f_device,   f_shm_map, f_shm_lock, f_shm_barrier, f_shm_unmap, nullptr,
                                      nullptr};

sqlite3_vfs* g_base = nullptr;
sqlite3_vfs g_vfs;

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = reinterpret_cast<FaultFile*>(file);
  f->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  f->base.pMethods = nullptr;
  sqlite3_file* r = real(file);
  r->pMethods = nullptr;
  const int rc = g_base->xOpen(g_base, name, r, flags, out_flags);
  if (r->pMethods) f->base.pMethods = r->pMethods->iVersion >= 2 ? &kMethods2 : &kMethods1;
  return rc;
}
int v_delete(sqlite3_vfs*, const char* name, int sync) { return g_base->xDelete(g_base, name, sync); }
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_base->xAccess(g_base, name, flags, out); }
int v_full(sqlite3_vfs*, const char* name, int n, char* out) { return g_base->xFullPathname(g_base, name, n, out); }
void* v_dlopen(sqlite3_vfs*, const char* name) { return g_base->xDlOpen(g_base, name); }
void v_dlerror(sqlite3_vfs*, int n, char* out) { g_base->xDlError(g_base, n, out); }
void (*v_dlsym(sqlite3_vfs*, void* h, const char* sym))(void) { return g_base->xDlSym(g_base, h, sym); }
void v_dlclose(sqlite3_vfs*, void* h) { g_base->xDlClose(g_base, h); }
int v_random(sqlite3_vfs*, int n, char* out) { return g_base->xRandomness(g_base, n, out); }
// An injected busy lock never clears: SQLite's busy handler sleeps through its whole timeout
// (10 s) before it gives up. Under that plan the sleep is skipped (the handler counts the time
// asked, not the time passed), so the product keeps its real timeout and the tests stay quick.
int v_sleep(sqlite3_vfs*, int us) {
  if (g_kind.load() == static_cast<int>(Kind::kBusy)) return us;
  return g_base->xSleep(g_base, us);
}
int v_time(sqlite3_vfs*, double* out) { return g_base->xCurrentTime(g_base, out); }
int v_last_error(sqlite3_vfs*, int n, char* out) { return g_base->xGetLastError(g_base, n, out); }
int v_time64(sqlite3_vfs*, sqlite3_int64* out) { return g_base->xCurrentTimeInt64(g_base, out); }

constexpr const char* kName = "codex-faults";

void register_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_base = sqlite3_vfs_find(nullptr);
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_base->szOsFile;
    g_vfs.mxPathname = g_base->mxPathname;
    g_vfs.zName = kName;
    g_vfs.xOpen = v_open;
    g_vfs.xDelete = v_delete;
    g_vfs.xAccess = v_access;
    g_vfs.xFullPathname = v_full;
    g_vfs.xDlOpen = v_dlopen;
    g_vfs.xDlError = v_dlerror;
    g_vfs.xDlSym = v_dlsym;
    g_vfs.xDlClose = v_dlclose;
    g_vfs.xRandomness = v_random;
    g_vfs.xSleep = v_sleep;
    g_vfs.xCurrentTime = v_time;
    g_vfs.xGetLastError = v_last_error;
    g_vfs.xCurrentTimeInt64 = v_time64;
    // The default VFS: the product opens every database with the default (it knows nothing of
    // faults); with no plan set this one only forwards.
    sqlite3_vfs_register(&g_vfs, 1);
  });
}

struct Name {
  Kind kind;
  const char* name;
};
constexpr Name kNames[] = {{Kind::kReadError, "read"}, {Kind::kWriteError, "write"}, {Kind::kFull, "full"},
                           {Kind::kBusy, "busy"},      {Kind::kCorrupt, "corrupt"}};

}  // namespace

Result<Plan> parse(std::string_view spec) {
  if (spec.empty() || spec == "none") return Plan{};
  auto bad = [&] {
    return Status::Error("CODEX_FAULTS: \"" + std::string(spec.substr(0, 40)) +
                         "\" is not a fault plan (KIND@N[+once], KIND = read, write, full, busy, corrupt)");
  };
  Plan p;
  const size_t at = spec.find('@');
  if (at == std::string_view::npos) return bad();
  const std::string_view kind = spec.substr(0, at);
  for (const auto& n : kNames) {
    if (kind == n.name) p.kind = n.kind;
  }
  if (p.kind == Kind::kNone) return bad();
  std::string_view rest = spec.substr(at + 1);
  if (rest.size() > 5 && rest.substr(rest.size() - 5) == "+once") {
    p.once = true;
    rest.remove_suffix(5);
  }
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), p.after);
  if (ec != std::errc() || end != rest.data() + rest.size() || p.after < 0) return bad();
  return p;
}

std::string describe(const Plan& plan) {
  for (const auto& n : kNames) {
    if (n.kind == plan.kind) return std::string(n.name) + "@" + std::to_string(plan.after) + (plan.once ? "+once" : "");
  }
  return "none";
}

void install() { register_once(); }

void set(const Plan& plan) {
  if (plan.kind != Kind::kNone) register_once();
  g_kind.store(static_cast<int>(Kind::kNone));
  g_ops.store(0);
  g_injected.store(0);
  g_after.store(plan.after);
  g_once.store(plan.once);
  g_kind.store(static_cast<int>(plan.kind));
}

Plan current() { return Plan{static_cast<Kind>(g_kind.load()), g_after.load(), g_once.load()}; }
int64_t operations() { return g_ops.load(); }
int64_t injected() { return g_injected.load(); }

const char* vfs_name() { return g_kind.load() == static_cast<int>(Kind::kNone) ? nullptr : kName; }

Status set_from_environment() {
  const char* spec = std::getenv("CODEX_FAULTS");
  if (!spec) return Status::Ok();
  auto plan = parse(spec);
  if (!plan) return plan.status();
  set(*plan);
  return Status::Ok();
}

}  // namespace codex::corpus::faults
