#include "server/http.h"

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <httplib.h>

namespace codex::server {
namespace {

std::atomic<httplib::Server*> g_server{nullptr};
std::atomic<bool> g_stop{false};

// httplib's stop() does nothing before the server runs: the flag keeps a stop that comes early,
// and a watcher (serve()) passes it on.
void on_signal(int) {
  g_stop = true;
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

void send(httplib::Request& in, const Response& r, httplib::Response& out) {
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
  // This httplib applies the request's ranges after the handler without clamping them to the
  // file: they are checked here. One range is served (a last byte past the end means the end, as
  // RFC 9110 says); several are answered with the whole file; a range that starts past the end, or
  // ends before it starts, is refused.
  if (in.ranges.size() > 1) in.ranges.clear();
  for (auto& [first, last] : in.ranges) {
    const auto n = static_cast<ssize_t>(size);
    if ((first >= 0 && first >= n) || (first >= 0 && last >= 0 && last < first) || (first < 0 && last <= 0) || n == 0) {
      out.status = 416;
      out.set_header("Content-Range", "bytes */" + std::to_string(size));
      return;
    }
    if (first >= 0 && last >= n) last = n - 1;
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
  // The handler may narrow the request's ranges (send()): httplib owns the request and reads them
  // back when it writes the response.
  auto handler = [&booth](const httplib::Request& in, httplib::Response& out) {
    send(const_cast<httplib::Request&>(in), booth.handle(request_of(in)), out);
  };
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
    // SO_REUSEADDR, not httplib's SO_REUSEPORT (which lets a second server share a port in use).
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listening = sock;
  });
  const int port = o.port == 0 ? svr.bind_to_any_port(o.host) : (svr.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port < 0) return Status::Error("cannot listen on " + o.host + ":" + std::to_string(o.port) + " (in use?)");
  if (listening >= 0) ::listen(listening, 256);
  g_stop = false;
  g_server = &svr;
  auto old_int = std::signal(SIGINT, on_signal);
  auto old_term = std::signal(SIGTERM, on_signal);
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done) {
      if (g_stop && svr.is_running()) svr.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  if (on_listening) on_listening(port);
  const bool ok = g_stop || svr.listen_after_bind();
  done = true;
  watcher.join();
  g_server = nullptr;
  std::signal(SIGINT, old_int);
  std::signal(SIGTERM, old_term);
  if (!ok) return Status::Error("the server stopped with an error");
  return Status::Ok();
}

}  // namespace codex::server
