#include "server/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <thread>

#include <httplib.h>

namespace codex::server {
namespace {

using Clock = std::chrono::steady_clock;

// One connection's socket for httplib, with one difference from its own: a request must arrive
// whole (request line, headers and body) within a deadline from its first byte. httplib's read
// timeout restarts with every line, so a client sending a header line every few seconds would hold
// a worker forever (slowloris); here it is cut off at the deadline.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(int sock, int read_ms, int write_ms) : sock_(sock), read_ms_(read_ms), write_ms_(write_ms) {}

  void start_request(Clock::time_point deadline) {
    deadline_ = deadline;
    read_expired_ = false;
  }
  // The rest of the connection cannot be read as requests (a body left unread, or a request cut off
  // at its deadline or by a read timeout): close after this one.
  void close_after() { close_after_ = true; }
  bool closing() const { return close_after_ || read_expired_; }
  bool has_buffered() const { return pos_ < len_; }

  // Waits up to `ms` for bytes, in short steps so that a stopping server is seen.
  bool wait_readable(int ms, const std::atomic<socket_t>& listening) const {
    if (has_buffered()) return true;
    for (int waited = 0; waited < ms; waited += 100) {
      if (listening == INVALID_SOCKET) return false;
      if (poll_for(POLLIN, std::min(100, ms - waited)) > 0) return true;
    }
    return false;
  }

  bool is_readable() const override { return has_buffered() || poll_for(POLLIN, read_ms_) > 0; }
  bool is_writable() const override { return poll_for(POLLOUT, write_ms_) > 0; }

  ssize_t read(char* ptr, size_t size) override {
    if (has_buffered()) return take(ptr, size);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
    if (left <= 0) {
      read_expired_ = true;  // (a slow handler or a long response does not count: only reading)
      return -1;
    }
    if (poll_for(POLLIN, static_cast<int>(std::min<long long>(left, read_ms_))) <= 0) {
      read_expired_ = true;  // nothing came in time (the wait ends at the deadline, to the millisecond)
      return -1;
    }
    if (size >= sizeof buf_) return recv_some(ptr, size);
    const ssize_t n = recv_some(buf_, sizeof buf_);
    if (n <= 0) return n;
    pos_ = 0;
    len_ = static_cast<size_t>(n);
    return take(ptr, size);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (poll_for(POLLOUT, write_ms_) <= 0) return -1;
    ssize_t n;
    do n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { address(true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address(false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  int poll_for(short events, int ms) const {
    pollfd p{sock_, events, 0};
    int r;
    do r = ::poll(&p, 1, ms);
    while (r < 0 && errno == EINTR);
    return r;
  }
  ssize_t recv_some(char* to, size_t size) {
    ssize_t n;
    do n = ::recv(sock_, to, size, 0);
    while (n < 0 && errno == EINTR);
    return n;
  }
  ssize_t take(char* ptr, size_t size) {
    const size_t n = std::min(size, len_ - pos_);
    std::memcpy(ptr, buf_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  void address(bool peer, std::string& ip, int& port) const {
    sockaddr_storage a{};
    socklen_t n = sizeof a;
    const int r = peer ? ::getpeername(sock_, reinterpret_cast<sockaddr*>(&a), &n)
                       : ::getsockname(sock_, reinterpret_cast<sockaddr*>(&a), &n);
    if (r != 0) return;
    char text[INET6_ADDRSTRLEN] = {};
    if (a.ss_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a);
      ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
      port = ntohs(v4->sin_port);
    } else if (a.ss_family == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a);
      ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
      port = ntohs(v6->sin6_port);
    }
    ip = text;
  }

  int sock_;
  int read_ms_, write_ms_;
  Clock::time_point deadline_{};
  bool close_after_ = false, read_expired_ = false;
  char buf_[4096];
  size_t pos_ = 0, len_ = 0;
};

thread_local DeadlineStream* t_stream = nullptr;

// httplib's server with the connection loop above (keep-alive, then one request at a time).
class BoothServer final : public httplib::Server {
 public:
  explicit BoothServer(std::chrono::milliseconds request_time) : request_time_(request_time) {}

 private:
  bool process_and_close_socket(socket_t sock) override {
    DeadlineStream strm(sock, static_cast<int>(read_timeout_sec_ * 1000 + read_timeout_usec_ / 1000),
                        static_cast<int>(write_timeout_sec_ * 1000 + write_timeout_usec_ / 1000));
    t_stream = &strm;
    bool ok = false;
    for (size_t left = keep_alive_max_count_; left > 0; --left) {
      if (!strm.wait_readable(static_cast<int>(keep_alive_timeout_sec_ * 1000), svr_sock_)) break;
      strm.start_request(Clock::now() + request_time_);
      bool closed = false;
      ok = process_request(strm, left == 1, closed, [](httplib::Request&) {});
      if (!ok || closed || strm.closing()) break;
    }
    t_stream = nullptr;
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
  }

  std::chrono::milliseconds request_time_;
};

// Worker threads made as connections need them, up to a limit (then connections wait their turn):
// a few slow clients cannot take every worker of a small fixed pool.
class Workers final : public httplib::TaskQueue {
 public:
  explicit Workers(size_t max) : max_(max) {}
  ~Workers() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(std::move(fn));
    if (idle_ < jobs_.size() && threads_.size() < max_) {
      try {
        threads_.emplace_back([this] { work(); });
      } catch (const std::system_error&) {
        // No thread to be had (a process limit): the ones there are take it in turn.
      }
    }
    cv_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  void work() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      ++idle_;
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;  // stopping, and nothing left to do
      auto fn = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
    }
  }

  const size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool stopping_ = false;
};

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
  BoothServer svr(std::chrono::milliseconds(static_cast<long long>(o.request_seconds * 1000)));
  const size_t threads = static_cast<size_t>(std::max(1, o.max_connections));
  svr.new_task_queue = [threads] { return new Workers(threads); };
  svr.set_payload_max_length(o.max_body_bytes);
  // cpp-httplib 0.11 reads a chunked body whatever its size (the payload limit applies to
  // Content-Length only): the booth's own page never sends one, and any other is refused unread.
  svr.set_pre_routing_handler([](const httplib::Request& in, httplib::Response& out) {
    if (!in.has_header("Transfer-Encoding")) return httplib::Server::HandlerResponse::Unhandled;
    out.status = 411;
    out.set_header("Connection", "close");
    out.set_content(R"x({"error":"send the body with a Content-Length (chunked bodies are not accepted)"})x", "application/json");
    if (t_stream) t_stream->close_after();
    return httplib::Server::HandlerResponse::Handled;
  });
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
