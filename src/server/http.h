// `codex serve`'s HTTP layer: cpp-httplib in front of the booth's handlers (api.h), with limits on
// the body size, the number of requests served at once, and timeouts. Headers are limited by
// cpp-httplib itself (8 KiB a line). Audio is sent with HTTP range requests.
#pragma once

#include <functional>
#include <string>

#include "codex/core/status.h"
#include "server/api.h"

namespace codex::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8765;  // 0: any free port
  int max_connections = 64;  // requests served at once; more wait their turn
  size_t max_body_bytes = 64 * 1024;  // the API's bodies are small JSON objects
};

// Serves until SIGINT or SIGTERM. `on_listening` gets the port once it is bound.
Status serve(Booth& booth, const ServeOptions& options, const std::function<void(int port)>& on_listening);
// Makes a running serve() return (as SIGINT does).
void stop_serving();

}  // namespace codex::server
