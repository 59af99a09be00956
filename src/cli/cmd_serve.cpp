#include <cstdio>
#include <fstream>

#include "codex/core/text.h"
#include "commands.h"
#include "server/api.h"
#include "server/http.h"

namespace codex::cli {
namespace {

bool is_loopback(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "::1"; }

// 32 hex digits from the kernel's random source.
std::string new_token() {
  std::ifstream in("/dev/urandom", std::ios::binary);
  unsigned char b[16] = {};
  in.read(reinterpret_cast<char*>(b), sizeof b);
  return in.gcount() == sizeof b ? to_hex(b, sizeof b) : "";
}

}  // namespace

int run_serve(const GlobalArgs& g, const ServeArgs& a) {
  server::BoothOptions bo;
  bo.db_path = resolve_db(g);
  const bool loopback = is_loopback(a.host);
  if (!loopback) {
    if (a.no_token) {
      print_error("--no-token is for loopback only: on a network the booth always needs its token");
      return 2;
    }
    bo.token = new_token();
    if (bo.token.empty()) {
      print_error("cannot read /dev/urandom for the booth's token");
      return 1;
    }
  }
  std::fprintf(stderr, "codex serve: opening %s ...\n", printable(bo.db_path).c_str());
  auto booth = server::Booth::open(bo);
  if (!booth) {
    print_error(booth.status().message());
    return 1;
  }
  server::ServeOptions so;
  so.host = a.host;
  so.port = a.port;
  so.max_connections = a.max_connections;
  server::Booth* b = booth->get();
  const size_t tracks = b->track_count();
  Status s = server::serve(*b, so, [&](int port) {
    b->allow_hosts(server::loopback_hosts(port));
    const std::string shown = a.host == "::1" ? "[::1]" : a.host;
    if (bo.token.empty()) {
      std::printf("CODEX booth: http://%s:%d/  (%zu tracks; Ctrl-C stops it)\n", shown.c_str(), port, tracks);
    } else {
      std::printf("CODEX booth: http://%s:%d/?token=%s  (%zu tracks; the token is shown only now; Ctrl-C stops it)\n",
                  shown.c_str(), port, bo.token.c_str(), tracks);
    }
    std::fflush(stdout);
  });
  if (!s) {
    print_error(s.message());
    return 1;
  }
  return 0;
}

}  // namespace codex::cli
