// The booth: what `codex serve` answers, as plain request -> response handlers that need no socket
// (tests call handle() directly; server/http.cpp binds them to cpp-httplib). A JSON API over the
// library service (library/live.h: the corpus, its snapshot, the set's rule, analysis jobs) —
// library search, one track, now playing, recommend, accept / skip / played, analysis jobs,
// settings, health — and the page itself (server/page/). Handlers parse and check the request,
// call the service and serialise its answer; an error's HTTP status comes from its Status code.
//
// Safety: on loopback the Host header must name the loopback address (so a web page elsewhere
// cannot reach the API through DNS rebinding); opened on a network, every request needs the token
// (header X-Codex-Token, or the cookie that /?token=... sets). Requests that change anything must
// be POST or DELETE with a JSON body, which a cross-site form cannot send. Audio is served only by
// track id, from the locations the corpus holds.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/core/status.h"
#include "codex/library/live.h"

namespace codex::server {

struct Request {
  std::string method = "GET";  // GET, POST, DELETE
  std::string path;            // without the query
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
  std::string file;  // when set, the HTTP layer sends this file (with range requests) instead of body
};

struct BoothOptions {
  std::string db_path;
  std::string token;          // empty: no token (loopback only)
  std::vector<std::string> hosts;  // Host header values accepted without a token ("127.0.0.1:8765" ...)
  std::string settings_path;  // empty: the default settings file
  int analysis_jobs = 0;      // worker threads of an analysis job (0: every core)
};

// The Host headers a browser sends for the loopback booth on `port` ("127.0.0.1:8765", "localhost:8765",
// "[::1]:8765"; on port 80 also without the port, as browsers leave the default port out).
std::vector<std::string> loopback_hosts(int port);

class Booth {
 public:
  static Result<std::unique_ptr<Booth>> open(const BoothOptions& options);
  ~Booth();  // the library service cancels a running analysis job and waits for it
  Booth(const Booth&) = delete;
  Booth& operator=(const Booth&) = delete;

  Response handle(const Request& request);
  // The Host header values accepted without a token (the address served); set before serving.
  void allow_hosts(std::vector<std::string> hosts) { options_.hosts = std::move(hosts); }

  // The library's tracks now (the snapshot's count).
  size_t track_count();
  library::LiveLibrary& library() { return *lib_; }

 private:
  explicit Booth(BoothOptions options);
  Response route(const Request& r);
  Response health();
  Response library_query(const Request& r);
  Response track(const std::string& id, const std::string& rest);
  Response now(const std::string& session);
  Response set_now(const nlohmann::json& body);
  Response recommend(const nlohmann::json& body);
  Response feedback(const nlohmann::json& body);
  Response start_job(const nlohmann::json& body);
  Response job_status(const std::string& id, bool cancel);
  Response jobs();
  Response settings();
  Response lists();

  BoothOptions options_;
  std::unique_ptr<library::LiveLibrary> lib_;
};

// Query string values ("a=1&b=x%20y"), decoded; later repeats win. Malformed escapes are kept as
// they are.
std::map<std::string, std::string> parse_query(const std::string& query);

}  // namespace codex::server
