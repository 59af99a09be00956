// `codex serve`'s HTTP layer: cpp-httplib in front of the booth's handlers (api.h), with limits on
// the body size (chunked bodies refused), the connections served at once, the time a request may
// take to arrive (a deadline for the whole request, not a timeout per line), and timeouts. Header
// lines are limited by cpp-httplib itself (8 KiB a line). Audio is sent with HTTP range requests.
#pragma once

#include <functional>
#include <string>

#include "codex/core/status.h"
#include "server/api.h"

namespace codex::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8765;  // 0: any free port
  int max_connections = 256;  // connections served at once (threads made as needed); more wait their turn
  size_t max_body_bytes = 64 * 1024;  // the API's bodies are small JSON objects
  double request_seconds = 10;  // a request (line, headers, body) must arrive whole within this
};

// Serves until SIGINT or SIGTERM. `on_listening` gets the port once it is bound.
Status serve(Booth& booth, const ServeOptions& options, const std::function<void(int port)>& on_listening);
// Makes a running serve() return (as SIGINT does).
void stop_serving();

}  // namespace codex::server
