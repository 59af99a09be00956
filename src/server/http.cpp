#include "server/http.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <httplib.h>

namespace codex::server {
namespace {

std::atomic<httplib::Server*> g_server{nullptr};

void on_signal(int) {
  if (httplib::Server* s = g_server.load()) s->stop();
}

Request request_of(const httplib::Request& in) {
  Request r;
  r.method = in.method;
  r.path = in.path;
  for (const auto& [k, v] : in.params) r.query[k] = v;
  for (const auto& [k, v] : in.headers) {
    std::string name = k;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = v;
  }
  r.body = in.body;
  return r;
}

void send(const httplib::Request& in, const Response& r, httplib::Response& out) {
  // A file keeps httplib's own status: 200, or 206 for a range request.
  if (r.file.empty()) out.status = r.status;
  for (const auto& [k, v] : r.headers) out.set_header(k, v);
  out.set_header("X-Content-Type-Options", "nosniff");
  out.set_header("Referrer-Policy", "no-referrer");
  if (r.content_type.rfind("text/html", 0) == 0) {
    // Everything the page needs is served from here: no other origin, no inline script.
    out.set_header("Content-Security-Policy",
                   "default-src 'self'; media-src 'self' blob:; img-src 'self' data:; frame-ancestors 'none'");
  }
  if (r.file.empty()) {
    out.set_content(r.body, r.content_type);
    return;
  }
  // A track's audio, read as the player asks for it (httplib applies Range headers to the provider).
  std::error_code ec;
  const auto size = std::filesystem::file_size(r.file, ec);
  if (ec) {
    out.status = 404;
    out.set_content(R"({"error":"the audio file cannot be read"})", "application/json");
    return;
  }
  // Ranges past the end are refused here (this httplib would send a wrong Content-Length).
  for (const auto& [first, last] : in.ranges) {
    const auto n = static_cast<ssize_t>(size);
    if ((first >= 0 && first >= n) || (first >= 0 && last >= 0 && last < first) || (first < 0 && last <= 0)) {
      out.status = 416;
      out.set_header("Content-Range", "bytes */" + std::to_string(size));
      return;
    }
  }
  out.set_header("Accept-Ranges", "bytes");
  auto file = std::make_shared<std::ifstream>(r.file, std::ios::binary);
  out.set_content_provider(static_cast<size_t>(size), r.content_type,
                           [file](size_t offset, size_t length, httplib::DataSink& sink) {
                             std::vector<char> buf(std::min<size_t>(length, 1 << 16));
                             file->clear();
                             file->seekg(static_cast<std::streamoff>(offset));
                             file->read(buf.data(), static_cast<std::streamsize>(buf.size()));
                             const auto got = file->gcount();
                             if (got <= 0) return false;
                             return sink.write(buf.data(), static_cast<size_t>(got));
                           });
}

}  // namespace

void stop_serving() { on_signal(0); }

Status serve(Booth& booth, const ServeOptions& o, const std::function<void(int port)>& on_listening) {
  httplib::Server svr;
  const size_t threads = static_cast<size_t>(std::max(1, o.max_connections));
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_payload_max_length(o.max_body_bytes);
  svr.set_read_timeout(10, 0);
  svr.set_write_timeout(30, 0);
  svr.set_keep_alive_max_count(100);
  svr.set_tcp_nodelay(true);  // else a response written in two parts waits for a delayed ACK (40 ms)
  auto handler = [&booth](const httplib::Request& in, httplib::Response& out) { send(in, booth.handle(request_of(in)), out); };
  svr.Get(".*", handler);
  svr.Post(".*", handler);
  svr.Delete(".*", handler);
  svr.Put(".*", handler);
  svr.set_error_handler([](const httplib::Request&, httplib::Response& out) {
    if (out.body.empty() && out.status != 416) {
      out.set_content(std::string(R"({"error":"HTTP )") + std::to_string(out.status) + "\"}", "application/json");
    }
  });
  // This cpp-httplib listens with a backlog of 5: fifty clients connecting at once would see SYNs
  // dropped and retried a second later. The listening socket is remembered as it is made and its
  // backlog raised after the bind (a second listen() on Linux only changes the backlog).
  int listening = -1;
  svr.set_socket_options([&listening](socket_t sock) {
    httplib::default_socket_options(sock);  // SO_REUSEPORT: restarts while old connections linger
    listening = sock;
  });
  // SO_REUSEPORT would let a second server share a port in use: a connection tells.
  if (o.port != 0) {
    httplib::Client probe(o.host, o.port);
    probe.set_connection_timeout(0, 300000);
    if (probe.Get("/api/health")) {
      return Status::Error("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": something answers there");
    }
  }
  const int port = o.port == 0 ? svr.bind_to_any_port(o.host) : (svr.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port < 0) return Status::Error("cannot listen on " + o.host + ":" + std::to_string(o.port) + " (in use?)");
  if (listening >= 0) ::listen(listening, 256);
  g_server = &svr;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  if (on_listening) on_listening(port);
  const bool ok = svr.listen_after_bind();
  g_server = nullptr;
  if (!ok) return Status::Error("the server stopped with an error");
  return Status::Ok();
}

}  // namespace codex::server
