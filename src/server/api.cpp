#include "server/api.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "codex/core/settings.h"
#include "codex/core/text.h"
#include "codex/library/browse.h"
#include "codex/library/live.h"
#include "codex/library/scan.h"
#include "server/page.h"

namespace codex::server {
namespace {

using nlohmann::json;

Response json_response(int status, const json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.headers["Cache-Control"] = "no-store";
  return r;
}

Response error(int status, const std::string& message) { return json_response(status, {{"error", message}}); }

// The HTTP status of an error, from its code (never from its words); `otherwise` for an error
// without a more precise code.
int http_status(const Status& s, int otherwise) {
  switch (s.code()) {
    case Code::kInvalid: return 400;
    case Code::kNotFound: return 404;
    case Code::kAmbiguous: return 409;
    case Code::kBusy: return 409;
    case Code::kCancelled: return 409;
    case Code::kCorrupt:
    case Code::kIo: return 500;
    case Code::kOk:
    case Code::kFailed: break;
  }
  return otherwise;
}

Response error(const Status& s, int otherwise = 500) { return error(http_status(s, otherwise), s.message()); }

bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char d = 0;
  for (size_t i = 0; i < a.size(); ++i) d |= static_cast<unsigned char>(a[i] ^ b[i]);
  return d == 0;
}

std::string cookie_value(const std::string& cookies, const std::string& name) {
  size_t at = 0;
  while (at < cookies.size()) {
    size_t end = cookies.find(';', at);
    if (end == std::string::npos) end = cookies.size();
    std::string part = cookies.substr(at, end - at);
    const size_t b = part.find_first_not_of(' ');
    part = b == std::string::npos ? "" : part.substr(b);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    at = end + 1;
  }
  return "";
}

std::optional<double> number_param(const Request& r, const char* name, bool* bad) {
  auto it = r.query.find(name);
  if (it == r.query.end() || it->second.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(it->second.c_str(), &end);
  if (end == it->second.c_str() || *end != '\0' || !std::isfinite(v)) {
    *bad = true;
    return std::nullopt;
  }
  return v;
}

std::string text_param(const Request& r, const char* name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

// A string member of a JSON body, "" when absent; false when present but not a string.
bool body_text(const json& body, const char* name, std::string* out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

}  // namespace

// ---- analysis jobs (the library service's) ----

namespace {

json job_json(const library::JobInfo& j) {
  json failures = json::array();
  for (const auto& [path, why] : j.failures) failures.push_back({{"path", to_valid_utf8(path)}, {"error", to_valid_utf8(why)}});
  return {{"id", j.id},           {"folder", to_valid_utf8(j.folder)},
          {"state", j.state},     {"total", j.total},
          {"done", j.done},       {"analyzed", j.analyzed},
          {"failed", j.failed},   {"up_to_date", j.up_to_date},
          {"current", to_valid_utf8(j.current)}, {"error", j.error},
          {"failures", failures}};
}

}  // namespace

Response Booth::start_job(const json& body) {
  std::string folder;
  if (!body_text(body, "folder", &folder) || folder.empty()) return error(400, "give the folder to analyse as \"folder\"");
  auto job = lib_->start_analysis(folder);
  if (!job) return error(job.status());
  return json_response(202, job_json(*job));
}

Response Booth::job_status(const std::string& id, bool cancel) {
  const bool digits = !id.empty() && id.size() < 9 && id.find_first_not_of("0123456789") == std::string::npos;
  if (!digits) return error(404, "no job " + to_valid_utf8(id));
  auto job = lib_->job(std::stoi(id), cancel);
  if (!job) return error(job.status());
  return json_response(200, job_json(*job));
}

Response Booth::jobs() {
  json out = json::array();
  for (const auto& j : lib_->jobs()) out.push_back(job_json(j));
  return json_response(200, {{"jobs", out}});
}

Booth::Booth(BoothOptions options) : options_(std::move(options)) {}
Booth::~Booth() = default;

// ---- the library ----

Result<std::unique_ptr<Booth>> Booth::open(const BoothOptions& options) {
  std::unique_ptr<Booth> b(new Booth(options));
  library::LiveOptions lo;
  lo.analysis_jobs = options.analysis_jobs;
  auto lib = library::LiveLibrary::open(options.db_path, lo);
  if (!lib) return lib.status();
  b->lib_ = std::move(lib).value();
  auto snap = b->lib_->snapshot();
  if (!snap) return snap.status();
  return b;
}

size_t Booth::track_count() {
  auto s = lib_->snapshot();
  return s ? (*s)->size() : 0;
}

Response Booth::health() {
  auto snap = lib_->snapshot();
  if (!snap) return error(snap.status());
  const auto& s = *snap;
  return json_response(200, {{"ok", true},
                             {"tracks", s->size()},
                             {"snapshot", {{"stamp", s->stamp()}, {"bytes", s->file_bytes()}}},
                             {"corpus", to_valid_utf8(lib_->path())}});
}

Response Booth::library_query(const Request& r) {
  auto snap = lib_->snapshot();
  if (!snap) return error(snap.status());
  const auto& s = *snap;
  library::TrackQuery q;
  bool bad = false;
  q.text = text_param(r, "q");
  q.bpm_min = number_param(r, "bpm_min", &bad);
  q.bpm_max = number_param(r, "bpm_max", &bad);
  q.energy_min = number_param(r, "energy_min", &bad);
  q.energy_max = number_param(r, "energy_max", &bad);
  const auto offset = number_param(r, "offset", &bad), limit = number_param(r, "limit", &bad);
  if (bad || (offset && *offset < 0) || (limit && (*limit < 0 || *limit > 1000))) {
    return error(400, "bpm_min, bpm_max, energy_min, energy_max, offset and limit (at most 1000) are numbers");
  }
  q.offset = offset ? static_cast<size_t>(std::min(*offset, 1e12)) : 0;
  q.limit = limit ? static_cast<size_t>(*limit) : 100;
  q.key = text_param(r, "key");
  q.compatible_keys = text_param(r, "compatible") == "1" || text_param(r, "compatible") == "true";
  q.genre = text_param(r, "genre");
  q.vibe = text_param(r, "vibe");
  std::string sort = text_param(r, "sort");
  if (!sort.empty() && sort[0] == '-') q.descending = true, sort = sort.substr(1);
  if (!sort.empty()) q.sort = sort;
  auto page = library::query_tracks(*s, q);
  if (!page) return error(page.status(), 400);
  json items = json::array();
  for (size_t i : page->items) items.push_back(library::track_row(*s, i));
  json genres = s->vocabulary().genres;
  return json_response(200, {{"total", page->total},
                             {"offset", q.offset},
                             {"items", items},
                             {"tracks", s->size()},
                             {"genres", genres}});
}

Response Booth::track(const std::string& id, const std::string& rest) {
  auto snap = lib_->snapshot();
  if (!snap) return error(snap.status());
  const auto& s = *snap;
  const auto i = s->find(id);
  if (!i) return error(404, "no track " + to_valid_utf8(id));
  if (rest.empty()) {
    auto view = library::track_view(lib_->corpus(), *s, *i);
    if (!view) return error(view.status());
    return json_response(200, *view);
  }
  if (rest != "audio") return error(404, "not found");
  // Only a location the corpus holds for this track, and only an audio file that still exists.
  auto locations = lib_->corpus().tracks().locations(id);
  if (!locations) return error(locations.status());
  for (const auto& path : *locations) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec) && library::has_audio_extension(path)) {
      Response r;
      r.file = path;
      const std::string ext = ascii_lower(std::filesystem::path(path).extension().string());
      r.content_type = ext == ".mp3"                    ? "audio/mpeg"
                       : ext == ".flac"                 ? "audio/flac"
                       : ext == ".wav"                  ? "audio/wav"
                       : ext == ".ogg" || ext == ".opus" ? "audio/ogg"
                       : ext == ".m4a" || ext == ".aac"  ? "audio/mp4"
                                                         : "application/octet-stream";
      return r;
    }
  }
  return error(404, "no audio file for this track (an imported record, or the file has moved)");
}

Response Booth::now(const std::string& session) {
  auto set = lib_->set(session);
  if (!set) return error(set.status());
  auto snap = lib_->snapshot();
  if (!snap) return error(snap.status());
  const auto& s = *snap;
  json list = json::array();
  json current = nullptr;
  for (const auto& p : set->plays) {
    const auto i = s->find(p.track_id);
    json row = i ? library::track_row(*s, *i) : json{{"track_id", p.track_id}};
    row["played_at"] = p.played_at;
    current = row;
    list.push_back(std::move(row));
  }
  json feedback = json::array();
  for (const auto& f : set->feedback) feedback.push_back({{"track_id", f.track_id}, {"action", f.action}, {"from", f.from}, {"at", f.at}});
  return json_response(200, {{"session", session}, {"now", current}, {"plays", list}, {"feedback", feedback}});
}

Response Booth::set_now(const json& body) {
  std::string session, id;
  if (!body_text(body, "session", &session) || !body_text(body, "track_id", &id) || id.empty()) {
    return error(400, "give \"session\" and \"track_id\"");
  }
  if (Status st = lib_->record(session, id, library::SetAction::kPlayed); !st) return error(st);
  return now(session);
}

Response Booth::feedback(const json& body) {
  std::string session, id, action, from;
  if (!body_text(body, "session", &session) || !body_text(body, "track_id", &id) || !body_text(body, "action", &action) ||
      !body_text(body, "from", &from) || id.empty()) {
    return error(400, "give \"session\", \"track_id\" and \"action\" (accept, skip or played)");
  }
  const auto what = library::set_action_from(action);
  if (!what) return error(400, "action is accept, skip or played, not '" + to_valid_utf8(action) + "'");
  if (Status st = lib_->record(session, id, *what, from); !st) return error(st);
  return now(session);
}

Response Booth::recommend(const json& body) {
  std::string session, current, prompt, mode = "full", crate;
  if (!body_text(body, "session", &session) || !body_text(body, "current", &current) ||
      !body_text(body, "prompt", &prompt) || !body_text(body, "mode", &mode) || !body_text(body, "crate", &crate)) {
    return error(400, "session, current, prompt, mode and crate are strings");
  }
  size_t top = 5;
  if (auto it = body.find("top"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 50) {
      return error(400, "top is a whole number from 1 to 50");
    }
    top = static_cast<size_t>(it->get<int64_t>());
  }
  if (mode != "full" && mode != "embedding" && mode != "features") return error(400, "mode is full, embedding or features");
  library::RecommendRequest req;
  req.prompt = prompt;
  req.top = top;
  req.crate = crate;
  req.current = current;
  req.session = session;  // the set's rule is the library service's (library/live.h)
  req.mode = mode == "features" ? rank::Mode::kFeatures : mode == "embedding" ? rank::Mode::kEmbedding : rank::Mode::kFull;
  auto answer = lib_->recommend(std::move(req));
  if (!answer) return error(answer.status(), 400);
  const library::Snapshot& s = *answer->snapshot;
  const library::RecommendResponse& out = answer->response;
  json results = json::array();
  for (size_t k = 0; k < out.ranked.results.size(); ++k) {
    json row = library::track_row(s, out.ranked.results[k].index);
    row["score"] = out.ranked.results[k].score;
    row["reasons"] = out.ranked.results[k].reasons;
    results.push_back(std::move(row));
  }
  return json_response(200, {{"current", library::track_row(s, out.current)},
                             {"intent", out.intent.to_json()},
                             {"results", results},
                             {"relaxed", out.ranked.relaxed},
                             {"mode", mode}});
}

Response Booth::settings() {
  auto s = resolve_settings({}, options_.settings_path);
  if (!s) return error(s.status());
  // Never the API key itself: only whether one is set.
  return json_response(200, {{"llm", s->llm},
                             {"gemini_model", s->gemini_model},
                             {"api_key_set", !s->gemini_api_key.empty()},
                             {"max_cost_usd", s->max_cost_usd < 0 ? json(nullptr) : json(s->max_cost_usd)},
                             {"llm_concurrency", s->llm_concurrency},
                             {"settings_file", to_valid_utf8(s->path)},
                             {"warnings", s->warnings}});
}

// The DJ programs' playlists, crates and history sets imported (`codex library import`), for the
// booth's crate filter.
Response Booth::lists() {
  auto lists = lib_->corpus().dj().lists(true);
  if (!lists) return error(lists.status());
  json out = json::array();
  for (const auto& l : *lists) {
    size_t analysed = 0;
    for (const auto& e : l.entries) analysed += e.track_id ? 1 : 0;
    if (analysed == 0) continue;
    out.push_back({{"source", l.source}, {"kind", l.kind}, {"name", to_valid_utf8(l.name)}, {"folder", to_valid_utf8(l.folder)},
                   {"full_name", to_valid_utf8(l.folder.empty() ? l.name : l.folder + " / " + l.name)},
                   {"tracks", l.entries.size()}, {"analysed", analysed}, {"date", l.date}});
  }
  return json_response(200, {{"lists", out}});
}

std::vector<std::string> loopback_hosts(int port) {
  std::vector<std::string> hosts;
  for (const char* h : {"127.0.0.1", "localhost", "[::1]"}) {
    hosts.push_back(std::string(h) + ":" + std::to_string(port));
    if (port == 80) hosts.push_back(h);
  }
  return hosts;
}

// ---- routing ----

Response Booth::handle(const Request& r) {
  auto header = [&](const char* name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? std::string() : it->second;
  };
  if (!options_.token.empty()) {
    // "/?token=..." sets the cookie the page then sends.
    if (r.method == "GET" && r.path == "/" && r.query.count("token")) {
      if (!constant_time_equal(r.query.at("token"), options_.token)) return error(401, "wrong token");
      Response redirect;
      redirect.status = 303;
      redirect.content_type = "text/plain";
      redirect.headers["Location"] = "/";
      redirect.headers["Set-Cookie"] = "codex_token=" + options_.token + "; HttpOnly; SameSite=Strict; Path=/";
      return redirect;
    }
    const std::string given = !header("x-codex-token").empty() ? header("x-codex-token")
                                                                : cookie_value(header("cookie"), "codex_token");
    if (!constant_time_equal(given, options_.token)) {
      return error(401, "this booth needs its token: open the address codex serve printed, or send X-Codex-Token");
    }
  } else if (std::find(options_.hosts.begin(), options_.hosts.end(), header("host")) == options_.hosts.end()) {
    return error(403, "unexpected Host header; open the address codex serve printed");
  }
  return route(r);
}

Response Booth::route(const Request& r) {
  const std::string& p = r.path;
  if (r.method == "GET") {
    if (const Asset* a = page_asset(p)) {
      Response out;
      out.content_type = a->content_type;
      out.body = std::string(a->body);
      out.headers["Cache-Control"] = "no-cache";
      return out;
    }
  }
  if (p.rfind("/api/", 0) != 0) return error(404, "not found");
  json body = json::object();
  if (r.method == "POST") {
    std::string type = ascii_lower(r.headers.count("content-type") ? r.headers.at("content-type") : "");
    if (type.rfind("application/json", 0) != 0) return error(415, "send JSON (Content-Type: application/json)");
    body = json::parse(r.body, nullptr, false);
    if (!body.is_object()) return error(400, "the body is not a JSON object");
  } else if (r.method != "GET" && r.method != "DELETE") {
    return error(405, "method not allowed");
  }
  auto get = [&](const char* path) { return r.method == "GET" && p == path; };
  auto post = [&](const char* path) { return r.method == "POST" && p == path; };
  if (get("/api/health")) return health();
  if (get("/api/library")) return library_query(r);
  if (get("/api/now") || get("/api/history")) return now(text_param(r, "session"));
  if (post("/api/now")) return set_now(body);
  if (post("/api/recommend")) return recommend(body);
  if (post("/api/feedback")) return feedback(body);
  if (get("/api/settings")) return settings();
  if (get("/api/lists")) return lists();
  if (get("/api/jobs")) return jobs();
  if (post("/api/jobs")) return start_job(body);
  if (p.rfind("/api/jobs/", 0) == 0 && (r.method == "GET" || r.method == "DELETE")) {
    return job_status(p.substr(10), r.method == "DELETE");
  }
  if (p.rfind("/api/tracks/", 0) == 0 && r.method == "GET") {
    const std::string rest = p.substr(12);
    const size_t slash = rest.find('/');
    return track(rest.substr(0, slash), slash == std::string::npos ? "" : rest.substr(slash + 1));
  }
  return error(404, "not found");
}

std::map<std::string, std::string> parse_query(const std::string& q) {
  std::map<std::string, std::string> out;
  auto decode = [](const std::string& s) {
    std::string d;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        d += ' ';
      } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                 std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        d += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        d += s[i];
      }
    }
    return d;
  };
  size_t at = 0;
  while (at <= q.size()) {
    size_t end = q.find('&', at);
    if (end == std::string::npos) end = q.size();
    const std::string part = q.substr(at, end - at);
    if (!part.empty()) {
      const size_t eq = part.find('=');
      out[decode(part.substr(0, eq))] = eq == std::string::npos ? "" : decode(part.substr(eq + 1));
    }
    at = end + 1;
  }
  return out;
}

}  // namespace codex::server
