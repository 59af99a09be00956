// The booth's handlers, called without a socket: every route with good and malformed input, the
// Host check and the token, audio only by track id, the API key never returned.
#include "server/api.h"

#include <gtest/gtest.h>
#include <filesystem>

#include <chrono>
#include <cmath>
#include <fstream>
#include <thread>

#include "codex/core/text.h"
#include "codex/library/jsonl.h"
#include "server/page.h"
#include "support/test_util.h"

namespace codex::server {
namespace {

using nlohmann::json;

const char* kHost = "127.0.0.1:8765";

void write_library(const std::string& path, int n) {
  const char* vibes[] = {"dark", "bright", "hypnotic", "euphoric", "chill", "aggressive"};
  const char* genres[] = {"Techno", "House", "Trance"};
  std::ofstream f(path);
  for (int i = 0; i < n; ++i) {
    f << json({{"track_id", "t" + std::to_string(100 + i)},
               {"title", i == 7 ? "Velvet Motion" : "Title " + std::to_string(i)},
               {"artist", i == 7 ? "Mara Voss" : "Artist " + std::to_string(i % 5)},
               {"bpm", 120 + (i % 10)},
               {"key", std::to_string(1 + i % 12) + (i % 2 ? "A" : "B")},
               {"energy", 1 + i % 10},
               {"vibe", vibes[i % 6]},
               {"genre", genres[i % 3]},
               {"mood_tags", {"driving", "warm", "tense"}},
               {"duration_seconds", 200 + i}})
             .dump()
      << "\n";
  }
}

class BoothTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_library(dir.file("in.jsonl"), 40);
    {
      auto c = corpus::Corpus::open(dir.file("c.db"));
      ASSERT_TRUE(c.ok());
      auto rep = library::import_jsonl(**c, dir.file("in.jsonl"));
      ASSERT_TRUE(rep.ok());
      ASSERT_EQ(rep->imported, 40u);
    }
    std::ofstream(dir.file("config")) << "gemini_api_key = \"SECRET-KEY-123\"\n";
    BoothOptions o;
    o.db_path = dir.file("c.db");
    o.settings_path = dir.file("config");
    o.analysis_jobs = 1;
    auto b = Booth::open(o);
    ASSERT_TRUE(b.ok()) << b.status().message();
    booth = std::move(b).value();
    booth->allow_hosts({kHost});
  }

  Response get(const std::string& path_and_query) {
    Request r;
    r.method = "GET";
    const size_t q = path_and_query.find('?');
    r.path = path_and_query.substr(0, q);
    if (q != std::string::npos) r.query = parse_query(path_and_query.substr(q + 1));
    r.headers["host"] = kHost;
    return booth->handle(r);
  }
  Response send(const std::string& method, const std::string& path, const std::string& body,
                const std::string& type = "application/json") {
    Request r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.headers["host"] = kHost;
    if (!type.empty()) r.headers["content-type"] = type;
    return booth->handle(r);
  }
  Response post(const std::string& path, const json& body) { return send("POST", path, body.dump()); }
  static json body(const Response& r) { return json::parse(r.body, nullptr, false); }

  test::TempDir dir;
  std::unique_ptr<Booth> booth;
};

TEST(ParseQuery, DecodesAndSurvivesMalformedEscapes) {
  auto q = parse_query("q=velvet+motion&key=8A&x=%41%42&bad=%zz&cut=%4&&=v&flag&a=1&a=2");
  EXPECT_EQ(q["q"], "velvet motion");
  EXPECT_EQ(q["x"], "AB");
  EXPECT_EQ(q["bad"], "%zz");
  EXPECT_EQ(q["cut"], "%4");
  EXPECT_EQ(q["flag"], "");
  EXPECT_EQ(q["a"], "2");
  EXPECT_EQ(q[""], "v");
  EXPECT_TRUE(parse_query("").empty());
  EXPECT_TRUE(parse_query("&&&").empty());
}

TEST_F(BoothTest, OnLoopbackOnlyTheServedHostIsAnswered) {
  EXPECT_EQ(get("/api/health").status, 200);
  Request r;
  r.path = "/api/health";
  r.headers["host"] = "attacker.example:8765";  // DNS rebinding
  EXPECT_EQ(booth->handle(r).status, 403);
  r.headers.erase("host");
  EXPECT_EQ(booth->handle(r).status, 403);
}

TEST(LoopbackHosts, PortEightyIsAlsoAnsweredWithoutThePort) {
  const auto h8765 = loopback_hosts(8765);
  EXPECT_NE(std::find(h8765.begin(), h8765.end(), "127.0.0.1:8765"), h8765.end());
  EXPECT_EQ(std::find(h8765.begin(), h8765.end(), "127.0.0.1"), h8765.end());
  const auto h80 = loopback_hosts(80);
  for (const char* h : {"127.0.0.1", "localhost", "[::1]", "127.0.0.1:80"}) {
    EXPECT_NE(std::find(h80.begin(), h80.end(), h), h80.end()) << h;
  }
}

TEST_F(BoothTest, OnANetworkEveryRequestNeedsTheToken) {
  BoothOptions o;
  o.db_path = dir.file("c.db");
  o.token = "0123456789abcdef0123456789abcdef";
  auto b = Booth::open(o);
  ASSERT_TRUE(b.ok());
  Request r;
  r.path = "/api/health";
  r.headers["host"] = "192.168.1.20:8765";
  EXPECT_EQ((*b)->handle(r).status, 401);
  r.headers["x-codex-token"] = "0123456789abcdef0123456789abcdeX";
  EXPECT_EQ((*b)->handle(r).status, 401);
  r.headers["x-codex-token"] = o.token;
  EXPECT_EQ((*b)->handle(r).status, 200);
  r.headers.erase("x-codex-token");
  r.headers["cookie"] = "other=1; codex_token=" + o.token;
  EXPECT_EQ((*b)->handle(r).status, 200);
  r.headers["cookie"] = "codex_token=" + o.token.substr(1);
  EXPECT_EQ((*b)->handle(r).status, 401);
  // The printed address sets the cookie, then sends the browser to the page.
  Request login;
  login.path = "/";
  login.query["token"] = o.token;
  const Response in = (*b)->handle(login);
  EXPECT_EQ(in.status, 303);
  EXPECT_NE(in.headers.at("Set-Cookie").find("codex_token=" + o.token), std::string::npos);
  EXPECT_NE(in.headers.at("Set-Cookie").find("HttpOnly"), std::string::npos);
  login.query["token"] = "wrong";
  EXPECT_EQ((*b)->handle(login).status, 401);
}

TEST_F(BoothTest, ThePageIsServedFromTheBinary) {
  const Response page = get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("/app.js"), std::string::npos);
  EXPECT_EQ(page.body.find("http://"), std::string::npos) << "no other origin: the page works offline";
  EXPECT_EQ(page.body.find("https://"), std::string::npos);
  EXPECT_EQ(get("/app.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(get("/style.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(get("/app.js").body, std::string(page_asset("/app.js")->body));
  EXPECT_EQ(get("/nothing.js").status, 404);
  EXPECT_EQ(get("/../../etc/passwd").status, 404);
  EXPECT_EQ(send("PUT", "/api/health", "{}").status, 405);
  EXPECT_EQ(get("/api/nothing").status, 404);
}

TEST_F(BoothTest, LibrarySearchFiltersAndSorts) {
  json all = body(get("/api/library?limit=1000"));
  EXPECT_EQ(all["total"], 40);
  EXPECT_EQ(all["items"].size(), 40u);
  json hit = body(get("/api/library?q=VELVET%20mot"));
  ASSERT_EQ(hit["total"], 1);
  EXPECT_EQ(hit["items"][0]["artist"], "Mara Voss");
  json band = body(get("/api/library?bpm_min=122&bpm_max=124.5&sort=-bpm"));
  double last = 1e9;
  for (const auto& t : band["items"]) {
    EXPECT_GE(t["bpm"].get<double>(), 122);
    EXPECT_LE(t["bpm"].get<double>(), 124.5);
    EXPECT_LE(t["bpm"].get<double>(), last);
    last = t["bpm"].get<double>();
  }
  EXPECT_EQ(band["total"], 12);
  json key = body(get("/api/library?key=8A"));
  for (const auto& t : key["items"]) EXPECT_EQ(t["key"], "8A");
  json compatible = body(get("/api/library?key=8A&compatible=1"));
  EXPECT_GT(compatible["total"].get<int>(), key["total"].get<int>());
  json filtered = body(get("/api/library?genre=techno&vibe=dark&energy_min=1&energy_max=3"));
  for (const auto& t : filtered["items"]) {
    EXPECT_EQ(t["genre"], "techno");
    EXPECT_EQ(t["vibe"], "dark");
    EXPECT_LE(t["energy"].get<double>(), 3);
  }
  // Text sorts ignore case; ties go by artist then title.
  for (const char* field : {"title", "artist"}) {
    json sorted = body(get(std::string("/api/library?limit=1000&sort=") + field));
    std::vector<std::string> got;
    for (const auto& t : sorted["items"]) got.push_back(ascii_lower(t[field].get<std::string>()));
    EXPECT_TRUE(std::is_sorted(got.begin(), got.end())) << field;
    json reversed = body(get(std::string("/api/library?limit=1000&sort=-") + field));
    std::vector<std::string> back;
    for (const auto& t : reversed["items"]) back.push_back(ascii_lower(t[field].get<std::string>()));
    EXPECT_TRUE(std::is_sorted(back.rbegin(), back.rend())) << field;
  }
  json page = body(get("/api/library?sort=title&offset=35&limit=10"));
  EXPECT_EQ(page["items"].size(), 5u);
  EXPECT_EQ(page["total"], 40);
  for (const char* bad : {"/api/library?bpm_min=fast", "/api/library?limit=5000", "/api/library?offset=-1",
                          "/api/library?sort=colour", "/api/library?key=H%23", "/api/library?vibe=moody",
                          "/api/library?energy_max=nan", "/api/library?bpm_min=1e999"}) {
    const Response r = get(bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_TRUE(body(r).contains("error")) << bad;
  }
}

TEST_F(BoothTest, RecommendTakesItsRequestAsJsonAndRefusesTheRest) {
  json ok = body(post("/api/recommend", {{"current", "t107"}, {"prompt", "darker"}, {"top", 5}}));
  ASSERT_TRUE(ok.contains("results")) << ok.dump();
  EXPECT_EQ(ok["current"]["title"], "Velvet Motion");
  EXPECT_EQ(ok["results"].size(), 5u);
  EXPECT_EQ(ok["intent"]["understood"], json({"darker"}));
  for (const auto& r : ok["results"]) {
    EXPECT_TRUE(r["score"].is_number());
    EXPECT_FALSE(r["reasons"].empty());
  }
  EXPECT_EQ(post("/api/recommend", {{"current", "Mara Voss - Velvet Motion"}}).status, 200);
  EXPECT_EQ(post("/api/recommend", {{"current", "nothing like it"}}).status, 404);
  EXPECT_EQ(post("/api/recommend", json::object()).status, 400) << "nothing playing";
  EXPECT_EQ(post("/api/recommend", {{"current", 7}}).status, 400);
  EXPECT_EQ(post("/api/recommend", {{"current", "t107"}, {"top", 0}}).status, 400);
  EXPECT_EQ(post("/api/recommend", {{"current", "t107"}, {"top", 2.5}}).status, 400);
  EXPECT_EQ(post("/api/recommend", {{"current", "t107"}, {"mode", "magic"}}).status, 400);
  EXPECT_EQ(post("/api/recommend", {{"current", "t107"}, {"prompt", std::string(5000, 'x')}}).status, 400);
  EXPECT_EQ(send("POST", "/api/recommend", "{\"current\": \"t107\"").status, 400);  // cut short
  EXPECT_EQ(send("POST", "/api/recommend", "[1,2]").status, 400);
  EXPECT_EQ(send("POST", "/api/recommend", "").status, 400);
  EXPECT_EQ(send("POST", "/api/recommend", "\xff\xfe{}").status, 400);
  EXPECT_EQ(send("POST", "/api/recommend", "current=t107", "application/x-www-form-urlencoded").status, 415)
      << "a cross-site form cannot post JSON";
  EXPECT_EQ(send("POST", "/api/recommend", "{\"current\":\"t107\"}", "").status, 415);
}

TEST_F(BoothTest, EachFilterTopModeAndJobCancelIsHonoured) {
  // Each filter alone narrows to exactly the tracks that meet it (energies 1-10 and BPMs 120-129
  // cycle over the 40 tracks; genres cycle over three, vibes over six).
  auto count = [&](const std::string& query, auto&& keep) {
    json page = body(get("/api/library?limit=1000&" + query));
    for (const auto& t : page["items"]) EXPECT_TRUE(keep(t)) << query << ": " << t.dump();
    return page["total"].get<int>();
  };
  EXPECT_EQ(count("energy_min=8", [](const json& t) { return t["energy"].get<double>() >= 8; }), 12);
  EXPECT_EQ(count("energy_max=2", [](const json& t) { return t["energy"].get<double>() <= 2; }), 8);
  EXPECT_EQ(count("bpm_min=128", [](const json& t) { return t["bpm"].get<double>() >= 128; }), 8);
  EXPECT_EQ(count("bpm_max=121", [](const json& t) { return t["bpm"].get<double>() <= 121; }), 8);
  EXPECT_EQ(count("genre=house", [](const json& t) { return t["genre"] == "house"; }), 13);
  EXPECT_EQ(count("vibe=chill", [](const json& t) { return t["vibe"] == "chill"; }), 6);
  EXPECT_EQ(count("key=3A", [](const json& t) { return t["key"] == "3A"; }), 0) << "odd tracks are A, 3 is an even one's";
  EXPECT_EQ(count("key=3B", [](const json& t) { return t["key"] == "3B"; }), 4);

  // top: 1 to 50; 50 asks for more than the library holds (39 candidates).
  EXPECT_EQ(body(post("/api/recommend", {{"current", "t107"}, {"top", 3}}))["results"].size(), 3u);
  EXPECT_EQ(body(post("/api/recommend", {{"current", "t107"}, {"top", 50}}))["results"].size(), 39u);
  EXPECT_EQ(post("/api/recommend", {{"current", "t107"}, {"top", 51}}).status, 400);
  EXPECT_EQ(post("/api/recommend", {{"current", "t107"}, {"top", -1}}).status, 400);

  // mode reaches the ranking: the features-only and embedding-only orders differ, and the
  // answer says which it used.
  auto order = [&](const char* mode) {
    json r = body(post("/api/recommend", {{"current", "t107"}, {"top", 10}, {"mode", mode}}));
    EXPECT_EQ(r["mode"], mode);
    std::vector<std::string> ids;
    for (const auto& t : r["results"]) ids.push_back(t["track_id"]);
    return ids;
  };
  const auto features = order("features"), embedding = order("embedding"), full = order("full");
  EXPECT_NE(features, embedding);
  EXPECT_EQ(features.size(), 10u);

  // A cancelled job stops, and says so, while it still walks a large folder.
  for (int i = 0; i < 150; ++i) {
    for (int k = 0; k < 100; ++k) std::filesystem::create_directories(dir.file("tree/" + std::to_string(i) + "/" + std::to_string(k)));
  }
  const Response started = post("/api/jobs", {{"folder", dir.file("tree")}});
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string id = std::to_string(body(started)["id"].get<int>());
  std::string cancel_id = id;
  const Response second = post("/api/jobs", {{"folder", dir.file("tree")}});
  if (second.status == 202) {
    // Only when the first walk had already ended (a very quick machine): cancel the second instead.
    EXPECT_NE(body(get("/api/jobs/" + id))["state"], "scanning");
    cancel_id = std::to_string(body(second)["id"].get<int>());
  } else {
    EXPECT_EQ(second.status, 409) << "one job at a time";
  }
  EXPECT_EQ(send("DELETE", "/api/jobs/" + cancel_id, "").status, 200);
  std::string state;
  for (int k = 0; k < 150 && (state.empty() || state == "scanning" || state == "running"); ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    state = body(get("/api/jobs/" + cancel_id))["state"];
  }
  EXPECT_EQ(state, "cancelled");
  EXPECT_EQ(get("/api/jobs/x1").status, 404);
}

TEST_F(BoothTest, CratesFilterAndTheDjsHistoryLeads) {
  {
    auto c = corpus::Corpus::open(dir.file("c.db"));
    ASSERT_TRUE(c.ok());
    corpus::DjListRow crate;
    crate.kind = "crate";
    crate.folder = "Club";
    crate.name = "Peak";
    for (const char* id : {"t110", "t111", "t112", "t113"}) crate.entries.push_back({std::string("/m/") + id + ".mp3", std::string(id), ""});
    ASSERT_TRUE((*c)->dj().replace_import("/dj/_Serato_", "serato", {}, {crate}));
    ASSERT_TRUE((*c)->dj().add_transition({"t107", "t130", "2024-05-01", "rekordbox", "Friday"}));
  }
  json lists = body(get("/api/lists"));
  ASSERT_EQ(lists["lists"].size(), 1u) << lists.dump();
  EXPECT_EQ(lists["lists"][0]["full_name"], "Club / Peak");
  EXPECT_EQ(lists["lists"][0]["analysed"], 4);
  json in_crate = body(post("/api/recommend", {{"current", "t107"}, {"crate", "Club / Peak"}, {"top", 10}}));
  ASSERT_FALSE(in_crate["results"].empty()) << in_crate.dump();
  for (const auto& r : in_crate["results"]) {
    const std::string id = r["track_id"];
    EXPECT_TRUE(id == "t110" || id == "t111" || id == "t112" || id == "t113") << id;
  }
  EXPECT_EQ(post("/api/recommend", {{"current", "t107"}, {"crate", "Nope"}}).status, 404);
  EXPECT_EQ(post("/api/recommend", {{"current", "t107"}, {"crate", 3}}).status, 400);
  json usual = body(post("/api/recommend", {{"current", "t107"}, {"prompt", "what I usually play after this"}}));
  ASSERT_FALSE(usual["results"].empty()) << usual.dump();
  EXPECT_EQ(usual["results"][0]["track_id"], "t130");
  EXPECT_EQ(usual["results"][0]["reasons"][0], "you played it after this in one of your sets");
}

TEST_F(BoothTest, TheSetRemembersPlaysAcceptsAndSkips) {
  EXPECT_EQ(body(get("/api/now?session=gig"))["now"], nullptr);
  json now = body(post("/api/now", {{"session", "gig"}, {"track_id", "t107"}}));
  EXPECT_EQ(now["now"]["track_id"], "t107");
  // Recommend from what is playing in the set; what was played is never suggested.
  json first = body(post("/api/recommend", {{"session", "gig"}, {"top", 10}}));
  ASSERT_FALSE(first["results"].empty()) << first.dump();
  EXPECT_EQ(first["current"]["track_id"], "t107");
  const std::string accepted = first["results"][0]["track_id"], skipped = first["results"][1]["track_id"];
  now = body(post("/api/feedback", {{"session", "gig"}, {"track_id", accepted}, {"action", "accept"}, {"from", "t107"}}));
  EXPECT_EQ(now["now"]["track_id"], accepted);
  now = body(post("/api/feedback", {{"session", "gig"}, {"track_id", skipped}, {"action", "skip"}, {"from", accepted}}));
  EXPECT_EQ(now["now"]["track_id"], accepted) << "a skip plays nothing";
  ASSERT_EQ(now["plays"].size(), 2u);
  EXPECT_EQ(now["plays"][0]["track_id"], "t107");
  EXPECT_TRUE(now["plays"][0].contains("bpm")) << "the set line reads each play's tempo and energy";
  ASSERT_EQ(now["feedback"].size(), 2u);
  EXPECT_EQ(now["feedback"][1]["action"], "skip");
  json next = body(post("/api/recommend", {{"session", "gig"}, {"top", 30}}));
  EXPECT_EQ(next["current"]["track_id"], accepted);
  for (const auto& r : next["results"]) {
    EXPECT_NE(r["track_id"], "t107");
    EXPECT_NE(r["track_id"], accepted);
    EXPECT_NE(r["track_id"], skipped);
  }
  // Another set is separate.
  EXPECT_EQ(body(get("/api/now?session=other"))["plays"].size(), 0u);
  // Malformed.
  EXPECT_EQ(post("/api/feedback", {{"session", "gig"}, {"track_id", "t101"}, {"action", "love"}}).status, 400);
  EXPECT_EQ(post("/api/feedback", {{"session", "gig"}, {"track_id", "t999"}, {"action", "accept"}}).status, 404);
  EXPECT_EQ(post("/api/feedback", {{"session", ""}, {"track_id", "t101"}, {"action", "accept"}}).status, 400);
  EXPECT_EQ(post("/api/feedback", {{"session", std::string(300, 's')}, {"track_id", "t101"}, {"action", "accept"}}).status,
            400);
  EXPECT_EQ(post("/api/now", {{"session", "gig"}}).status, 400);
  EXPECT_EQ(post("/api/now", {{"session", "gig"}, {"track_id", json::array()}}).status, 400);
  EXPECT_EQ(get("/api/now").status, 400);
}

TEST_F(BoothTest, SettingsNeverIncludeTheApiKey) {
  const Response r = get("/api/settings");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("SECRET-KEY-123"), std::string::npos);
  EXPECT_EQ(body(r)["api_key_set"], true);
}

TEST_F(BoothTest, TracksAudioOnlyByIdAndAnalysisJobsWithProgress) {
  // An imported record: its record, no audio.
  json imported = body(get("/api/tracks/t107"));
  EXPECT_EQ(imported["record"]["title"], "Velvet Motion");
  EXPECT_EQ(imported["audio"], false);
  EXPECT_EQ(imported["overview"], nullptr);
  EXPECT_EQ(get("/api/tracks/t107/audio").status, 404);
  EXPECT_EQ(get("/api/tracks/nope").status, 404);
  EXPECT_EQ(get("/api/tracks/..%2F..%2Fetc%2Fpasswd/audio").status, 404);
  EXPECT_EQ(get("/api/tracks/t107/../../../etc/passwd").status, 404);

  // Analyse a folder: a click track at 128 BPM and a file that is not audio.
  const std::string music = dir.file("music");
  std::filesystem::create_directory(music);
  std::vector<float> clicks(22050 * 20, 0.0f);
  for (size_t beat = 0; beat * 22050 * 60 / 128 < clicks.size(); ++beat) {
    const size_t at = beat * 22050 * 60 / 128;
    for (size_t k = 0; k < 400 && at + k < clicks.size(); ++k) clicks[at + k] = 0.8f * std::exp(-static_cast<float>(k) / 60.0f);
  }
  test::write_audio(music + "/click128.wav", test::to_stereo(clicks), 2, 22050);
  test::write_bytes(music + "/broken.mp3", "ID3 but nothing else");
  EXPECT_EQ(post("/api/jobs", {{"folder", dir.file("missing")}}).status, 400);
  EXPECT_EQ(post("/api/jobs", json::object()).status, 400);
  const Response started = post("/api/jobs", {{"folder", music}});
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string id = std::to_string(body(started)["id"].get<int>());
  json job;
  for (int i = 0; i < 600; ++i) {
    job = body(get("/api/jobs/" + id));
    if (job["state"] == "done" || job["state"] == "failed" || job["state"] == "cancelled") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["total"], 2);
  EXPECT_EQ(job["analyzed"], 1);
  EXPECT_EQ(job["failed"], 1);
  ASSERT_EQ(job["failures"].size(), 1u);
  EXPECT_NE(job["failures"][0]["path"].get<std::string>().find("broken.mp3"), std::string::npos);
  EXPECT_EQ(get("/api/jobs/99").status, 404);
  EXPECT_EQ(body(get("/api/jobs"))["jobs"].size(), 1u);

  // The new track is in the library, with its beats, overview and audio.
  json found = body(get("/api/library?q=click128"));
  ASSERT_EQ(found["total"], 1) << found.dump();
  const std::string track = found["items"][0]["track_id"];
  json view = body(get("/api/tracks/" + track));
  EXPECT_EQ(view["audio"], true);
  EXPECT_GT(view["beats"].size(), 30u);
  EXPECT_FALSE(view["downbeats"].empty());
  ASSERT_TRUE(view["overview"].is_object());
  EXPECT_GT(view["overview"]["db"].size(), 10u);
  const Response audio = get("/api/tracks/" + track + "/audio");
  EXPECT_EQ(audio.status, 200);
  EXPECT_EQ(audio.file, music + "/click128.wav");
  EXPECT_EQ(audio.content_type, "audio/wav");
  // Once the file is gone, nothing is served.
  std::filesystem::remove(music + "/click128.wav");
  EXPECT_EQ(get("/api/tracks/" + track + "/audio").status, 404);
}

}  // namespace
}  // namespace codex::server
