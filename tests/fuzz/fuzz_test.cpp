// Deterministic mutation fuzzing of every parser of outside data, runnable with GCC (and under
// scripts/sanitize.sh with ASan/UBSan): seeds are mutated (bit flips, byte edits, truncation,
// splices, deep nesting, long digit runs, control characters) and each result is fed to the parser,
// which must return — no crash, no exception, errors as one line. Each target runs for
// CODEX_FUZZ_SECONDS (default 2) with a fixed seed, and prints how many inputs it tried. Seeds are
// the committed corpus in tests/fuzz/seeds/<target>/ (regressions included) plus a few in code; an
// input that makes a target fail is saved to fuzz-failures/<target>-<n> in the working directory.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "codex/analysis/pass.h"
#include "codex/analysis/results.h"
#include "codex/audio/truncation.h"
#include "codex/core/config.h"
#include "codex/corpus/check.h"
#include "codex/corpus/corpus.h"
#include "codex/core/half.h"
#include "codex/demo/synth.h"
#include "codex/embed/acoustic_model.h"
#include "codex/interop/dj_library.h"
#include "codex/library/embedding.h"
#include "codex/library/jsonl.h"
#include "codex/music/key.h"
#include "codex/prompt/intent.h"
#include "codex/semantic/mood_model.h"
#include "codex/schema/record.h"
#include "codex/schema/schema.h"
#include "codex/semantic/gemini_client.h"
#include "codex/semantic/repair.h"
#include "support/test_util.h"

namespace codex {
namespace {

double budget_s() {
  const char* v = std::getenv("CODEX_FUZZ_SECONDS");
  const double s = v ? std::atof(v) : 2.0;
  return s > 0 ? s : 2.0;
}

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}
  std::string mutate(const std::string& in, const std::vector<std::string>& corpus) {
    std::string s = in;
    const int edits = 1 + static_cast<int>(rng_.next() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = s.empty() ? 0 : rng_.next() % (s.size() + 1);
      switch (rng_.next() % 10) {
        case 0: if (!s.empty()) s[at % s.size()] ^= static_cast<char>(1u << (rng_.next() % 8)); break;
        case 1: s.insert(at, 1, static_cast<char>(rng_.next() % 256)); break;
        case 2: if (!s.empty()) s.erase(at % s.size(), 1 + rng_.next() % 8); break;
        case 3: s.resize(at); break;  // truncation
        case 4: {  // splice another seed in
          const std::string& o = corpus[rng_.next() % corpus.size()];
          if (!o.empty()) s.insert(at, o.substr(rng_.next() % o.size(), 1 + rng_.next() % 40));
          break;
        }
        case 5: s.insert(at, std::string(1 + rng_.next() % 2000, "[{\"0"[rng_.next() % 4])); break;  // nesting, digits
        case 6: s.insert(at, std::string("\x1b[2J\n\r\t\0\x7f\xc2\x9b", 10).substr(rng_.next() % 9)); break;
        case 7: s.insert(at, kTokens[rng_.next() % kTokens.size()]); break;
        case 8: if (!s.empty()) s.insert(at, s.substr(rng_.next() % s.size(), 1 + rng_.next() % 64)); break;
        default: if (!s.empty()) s[at % s.size()] = static_cast<char>(rng_.next() % 256); break;
      }
    }
    return s;
  }
  uint64_t next() { return rng_.next(); }

 private:
  inline static const std::vector<std::string> kTokens = {
      "null", "true", "-1", "1e400", "NaN", "\"\"", "{}", "[]", ":", ",", "\\u0000", "\\ud800", "9999999999999999999999",
      "\"bpm\":", "\"key\":\"8A\"", "=", "#", "\"", "\xff\xfe", "energy", "BPM", "key", "minor", "\xe2\x86\x92"};
  demo::Rng rng_;
};

// The committed seeds of one target (tests/fuzz/seeds/<name>/*), sorted by file name.
std::vector<std::string> committed_seeds(const std::string& name) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CODEX_FUZZ_SEEDS) + "/" + name, ec)) {
    if (e.is_regular_file()) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(test::read_bytes(f));
  return out;
}

// Runs `target` on the committed and given seeds and on their mutations for the time budget;
// returns the number of inputs tried. Stops at the first input that fails, and saves it.
size_t fuzz(const char* name, std::vector<std::string> seeds, const std::function<void(const std::string&)>& target,
            double seconds = budget_s()) {
  for (auto& s : committed_seeds(name)) seeds.push_back(std::move(s));
  Mutator m(0xC0DE5EEDull ^ std::hash<std::string>{}(name));
  std::vector<std::string> corpus = seeds;
  size_t runs = 0;
  // A watchdog for hangs: an input that runs for more than a minute is saved and the test aborts.
  std::atomic<int64_t> started_ms{-1};
  std::atomic<bool> done{false};
  std::mutex current_mu;
  std::string current;  // the input running now, for the watchdog
  auto now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  std::thread watchdog([&] {
    while (!done.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      const int64_t t = started_ms.load();
      if (t >= 0 && now_ms() - t > 60000) {
        std::filesystem::create_directories("fuzz-failures");
        const std::string saved = "fuzz-failures/" + std::string(name) + "-hang";
        {
          std::lock_guard<std::mutex> lock(current_mu);
          std::ofstream(saved, std::ios::binary) << current;
        }
        std::fprintf(stderr, "fuzz %s: an input ran for over a minute; saved as %s\n", name, saved.c_str());
        std::abort();
      }
    }
  });
  struct Join {
    std::atomic<bool>& done;
    std::thread& t;
    ~Join() {
      done.store(true);
      t.join();
    }
  } join{done, watchdog};
  auto run = [&](const std::string& input) {
    {
      std::lock_guard<std::mutex> lock(current_mu);
      current = input;
    }
    started_ms.store(now_ms());
    target(input);
    started_ms.store(-1);
    ++runs;
    if (!::testing::Test::HasFailure()) return true;
    std::filesystem::create_directories("fuzz-failures");
    const std::string saved = "fuzz-failures/" + std::string(name) + "-" + std::to_string(runs);
    std::ofstream(saved, std::ios::binary) << input;
    ADD_FAILURE() << "the failing input is saved as " << std::filesystem::absolute(saved).string();
    return false;
  };
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (const auto& s : seeds) {
    if (!run(s)) return runs;
  }
  while (std::chrono::steady_clock::now() < until) {
    const std::string input = m.mutate(corpus[m.next() % corpus.size()], corpus);
    if (!run(input)) return runs;
    if (corpus.size() < 256 && m.next() % 8 == 0) corpus.push_back(input);  // keep some mutants as seeds
  }
  std::printf("fuzz %-16s %zu inputs in %.0f s (%zu seeds)\n", name, runs, seconds, seeds.size());
  return runs;
}

void one_line(const std::string& message) {
  EXPECT_EQ(message.find('\n'), std::string::npos) << message.substr(0, 200);
}

const std::vector<std::string>& record_seeds() {
  static const std::vector<std::string> k = {
      R"({"track_id":"t1","title":"One","artist":"A","bpm":128,"key":"8A","energy":7})",
      R"({"track_id":"t2","title":"Two","artist":"B","bpm":null,"key":null,"energy":3,"vibe":"dark","mood_tags":["a","b","c"],"structure":["intro","drop"],"x":{"y":[1,2]}})",
      R"({"track_id":"t3","title":"","artist":"","bpm":174.0,"key":"12B","energy":10,"provenance":{"bpm":"local"},"field_confidence":{"vibe":0.3}})"};
  return k;
}

TEST(Fuzz, JsonlImport) {
  std::vector<std::string> seeds;
  for (const auto& r : record_seeds()) seeds.push_back(r + "\n" + r + "\n");
  EXPECT_GT(fuzz("jsonl", seeds, [](const std::string& text) {
              std::istringstream in(text);
              std::vector<nlohmann::json> records;
              const library::ImportReport rep = library::parse_jsonl(in, &records);
              for (const auto& e : rep.errors) one_line(e.reason);
              for (const auto& r : records) {
                // What import accepts must survive the record's typed round trip unchanged.
                EXPECT_EQ(schema::to_json(schema::from_json(r)), r);
              }
            }),
            0u);
}

TEST(Fuzz, SettingsFile) {
  EXPECT_GT(fuzz("settings",
                 {"llm = gemini\ngemini_api_key = \"AIza x # y\"\nmax_cost_usd = 2.5\n", "# c\n\nllm_concurrency = 4\r\n",
                  "gemini_model = gemini-2.5-flash # comment\n"},
                 [](const std::string& text) {
                   auto c = parse_config(text, "config");
                   if (!c) {
                     one_line(c.status().message());
                     EXPECT_EQ(c.status().message().find("AIza x"), std::string::npos) << "a value is never echoed: " << c.status().message();
                   }
                 }),
            0u);
}

TEST(Fuzz, IntentParser) {
  const prompt::Vocabulary vocab{{"techno", "house", "drum & bass"}, {"dark", "warm"}};
  EXPECT_GT(fuzz("intent",
                 {"something darker but keep the energy", "faster, 128 bpm, same key, no vocals",
                  "change up the genre to house, not techno", "8A energy boost peak", "-20 bpm wind down",
                  "a touch calmr, nothing sad, way more melancholic", "no hands-in-the-air happy-clappy stuff",
                  "less driving, dolorous, chillax", std::string(300, 'a') + "-" + std::string(300, 'b')},
                 [&](const std::string& text) {
                   const prompt::Intent in = prompt::parse_intent(text, vocab);
                   (void)in.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                   EXPECT_TRUE(!in.target_bpm || std::isfinite(*in.target_bpm));
                 }),
            0u);
}

TEST(Fuzz, MoodModelFiles) {
  EXPECT_GT(fuzz("mood_model", {semantic::MoodModel::builtin_text(), R"({"format":1})",
                                R"({"format":"codex-mood-model","version":1,"input":[]})"},
                 [&](const std::string& text) {
                   auto m = semantic::MoodModel::parse(text);
                   if (!m) {
                     one_line(m.status().message());
                     return;
                   }
                   std::vector<float> x(90, 0.5f);
                   const semantic::MoodEstimate e = m->read(x.data());
                   EXPECT_TRUE(std::isfinite(e.valence) && std::isfinite(e.arousal));
                   EXPECT_LE(std::fabs(e.valence), 1.0);
                   EXPECT_LE(std::fabs(e.arousal), 1.0);
                 }),
            0u);
}

TEST(Fuzz, KeyNames) {
  EXPECT_GT(fuzz("key", {"8A", "A minor", "F#m", "Bbm", "1d", "12m", "a:min", "C"},
                 [](const std::string& text) {
                   if (auto k = music::parse_key(text)) {
                     EXPECT_GE(k->tonic, 0);
                     EXPECT_LT(k->tonic, 12);
                     EXPECT_EQ(music::parse_key(k->camelot()), k);
                   }
                 }),
            0u);
}

TEST(Fuzz, LlmReplyRepair) {
  EXPECT_GT(fuzz("repair",
                 {"```json\n{\"vibe\":\"Euphoric\",\"bpm\":90,\"energy\":9,\"mood_tags\":[\"a\",\"b\",\"c\"]}\n```",
                  "{\"groove_style\":\"four on floor\",\"energy\":12,\"structure\":[\"Intro\",\"drop\"]}", "Sure! {\"key\":\"A minor\"}"},
                 [](const std::string& text) {
                   const semantic::Repaired r = semantic::repair_reply(text);
                   for (const auto& e : r.errors) one_line(e);
                   if (r.ok) {
                     // Whatever survives repair is a valid partial record.
                     for (const auto& issue : schema::validate(r.record, schema::Mode::kImport)) {
                       EXPECT_TRUE(issue.message == "is missing") << issue.field << " " << issue.message;
                     }
                   }
                 }),
            0u);
}

TEST(Fuzz, GeminiResponse) {
  EXPECT_GT(fuzz("gemini",
                 {R"({"candidates":[{"content":{"parts":[{"text":"{}"}]}}],"usageMetadata":{"promptTokenCount":10}})",
                  R"({"promptFeedback":{"blockReason":"SAFETY"}})"},
                 [](const std::string& body) {
                   auto r = semantic::parse_generate_content(body);
                   if (!r) one_line(r.status().message());
                   else EXPECT_GE(r->total_tokens, 0);
                 }),
            0u);
}

TEST(Fuzz, AnalysisResults) {
  EXPECT_GT(fuzz("results",
                 {R"({"tempo":{"bpm":128.0,"beat_grid":{"steady":true,"first_beat_s":0.1},"groove":{"kick_every_beat":0.9}},"key":{"key":"8A"},"energy":{"energy":7,"envelope_db":[-10,-12]},"loudness":{"integrated_lufs":-9.1}})",
                  nlohmann::json{{"acoustic", {{"dims", 90}, {"track", halves_base64(std::vector<float>(90, 0.25f))}}}}.dump()},
                 [](const std::string& text) {
                   const auto j = nlohmann::json::parse(text, nullptr, false);
                   if (j.is_discarded()) return;
                   (void)analysis::read_results(j);
                 }),
            0u);
}

// A small learned model's file, as codex train embed writes it.
std::string model_seed() {
  std::vector<float> mean(embed::kSummaryDims, 0.5f), scale(embed::kSummaryDims, 2.0f);
  const int hidden = 3;
  std::vector<float> w1(static_cast<size_t>(hidden) * embed::kSummaryDims, 0.01f), b1(hidden, 0.1f);
  std::vector<float> w2(static_cast<size_t>(embed::kAcousticDims) * hidden, -0.02f), b2(embed::kAcousticDims, 0.0f);
  const auto m = embed::AcousticModel::learned({mean, scale}, hidden, w1, b1, w2, b2, {});
  test::TempDir dir;
  EXPECT_TRUE(m.save(dir.file("m.cxm")).ok());
  return test::read_bytes(dir.file("m.cxm"));
}

TEST(Fuzz, ModelFiles) {
  test::TempDir dir;
  const std::string path = dir.file("fuzzed.cxm");
  std::vector<float> x(embed::kSummaryDims, 1.0f);
  EXPECT_GT(fuzz("model", {model_seed()},
                 [&](const std::string& bytes) {
                   test::write_bytes(path, bytes);
                   auto m = embed::AcousticModel::load(path);
                   if (!m) {
                     one_line(m.status().message());
                     return;
                   }
                   // A model that loads computes finite unit vectors.
                   double n = 0;
                   for (float v : m->embed(x.data())) {
                     EXPECT_TRUE(std::isfinite(v));
                     n += static_cast<double>(v) * v;
                   }
                   EXPECT_NEAR(n, 1.0, 1e-3);
                 }),
            0u);
}

TEST(Fuzz, AcousticBlocksOfImportedRecords) {
  // Records as an export of another library carries them: summaries and blocks of some space.
  std::vector<float> summary(embed::kSummaryDims), block(embed::kAcousticDims);
  for (size_t i = 0; i < summary.size(); ++i) summary[i] = static_cast<float>(i % 7) - 3.0f;
  for (size_t i = 0; i < block.size(); ++i) block[i] = 0.1f;
  const nlohmann::json a = {{"track_id", "a"}, {"acoustic_summary", halves_base64(summary)},
                            {"acoustic", {{"model", "codex-embed-x"}, {"vector", halves_base64(block)}}}};
  nlohmann::json b = a;
  b["track_id"] = "b";
  summary[3] = 40.0f;
  b["acoustic_summary"] = halves_base64(summary);
  EXPECT_GT(fuzz("acoustic", {a.dump() + "\n" + b.dump() + "\n", b.dump() + "\n"},
                 [](const std::string& text) {
                   std::istringstream in(text);
                   std::vector<nlohmann::json> lines;
                   (void)library::parse_jsonl(in, &lines);
                   std::vector<schema::TrackRecord> records;
                   for (const auto& j : lines) records.push_back(schema::from_json(j));
                   library::attach_acoustic(records, nullptr);
                   for (const auto& r : records) {
                     for (float v : embed::embed_record(r)) EXPECT_TRUE(std::isfinite(v));
                   }
                   (void)library::acoustic_directions(records);
                 }),
            0u);
}

TEST(Fuzz, SmallCorruptAudioFiles) {
  // Decoding goes through FFmpeg: fewer, slower runs, each a real file on disk.
  test::TempDir dir;
  std::vector<std::string> seeds;
  for (auto format : {audio::Format::kWav16, audio::Format::kFlac, audio::Format::kMp3, audio::Format::kOggVorbis,
                      audio::Format::kAdtsAac}) {
    const std::string path = dir.file(std::string("seed.") + audio::format_extension(format));
    test::write_audio(path, test::to_stereo(demo::render_clicks(128, 1.0, 44100)), 2, 44100, format);
    seeds.push_back(test::read_bytes(path));
  }
  const std::string path = dir.file("fuzzed");
  EXPECT_GT(fuzz("audio", seeds,
                 [&](const std::string& bytes) {
                   test::write_bytes(path, bytes);
                   auto analyzers = analysis::default_analyzers();
                   auto r = analysis::analyze_file(path, analyzers);
                   if (!r) one_line(r.status().message());
                 }),
            0u);
}

TEST(Fuzz, ContainerEnds) {
  // The truncation check reads a file's own structure (WAV chunks, Ogg pages, ADTS frames).
  test::TempDir dir;
  std::vector<std::string> seeds = {std::string("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00", 20) + std::string(16, '\1') +
                                        std::string("data\x04\x00\x00\x00" "abcd", 12),
                                    std::string("OggS\0\x04", 6) + std::string(20, '\0') + std::string("\x01\x03" "abc", 5),
                                    std::string("\xff\xf1\x50\x80\x01\x1f\xfc", 7) + "abcdefghi"};
  const std::string path = dir.file("f");
  EXPECT_GT(fuzz("ends", seeds,
                 [&](const std::string& bytes) {
                   test::write_bytes(path, bytes);
                   for (const char* c : {"wav", "ogg", "aac"}) (void)audio::ends_early(path, c);
                 }),
            0u);
}

TEST(Fuzz, DamagedCorpusFiles) {
  // check, salvage and the stores on a corpus file with damaged bytes: an answer or one error
  // line, never a crash, a hang or a short answer.
  test::TempDir dir;
  const std::string good = dir.file("good.db");
  {
    auto c = corpus::Corpus::open(good);
    ASSERT_TRUE(c.ok());
    for (int i = 0; i < 3; ++i) {
      corpus::TrackWrite w;
      w.track_id = "track" + std::to_string(i);
      w.file = {"/music/" + std::to_string(i) + ".wav", 10, 1};
      w.title = "T";
      w.container = "wav";
      w.codec = "pcm_s16le";
      w.duration_s = 60;
      w.results.push_back({{"energy", 1, "00"}, 0.9, {{"energy", 7}}});
      ASSERT_TRUE((*c)->tracks().store(w).ok());
    }
  }
  const std::string path = dir.file("fuzzed.db"), fresh = dir.file("fresh.db");
  EXPECT_GT(fuzz("corpus", {test::read_bytes(good)},
                 [&](const std::string& bytes) {
                   for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
                   test::write_bytes(path, bytes);
                   if (auto r = corpus::check(path); !r) one_line(r.status().message());
                   for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(fresh + suffix);
                   if (auto s = corpus::salvage(path, fresh); !s) {
                     one_line(s.status().message());
                   } else {
                     auto back = corpus::check(fresh);
                     ASSERT_TRUE(back.ok()) << back.status().message();
                     EXPECT_TRUE(back->ok) << "a salvaged corpus is sound";
                   }
                   if (auto c = corpus::Corpus::open(path); !c) {
                     one_line(c.status().message());
                   } else if (auto rows = (*c)->tracks().rows(); !rows) {
                     one_line(rows.status().message());
                   }
                 }),
            0u);
}

// The DJ programs' files: any bytes, read as a Rekordbox XML, a Traktor NML, an M3U8, a PLS and a
// Serato crate, end in a library or one clear error line; never a crash or a hang.
TEST(Fuzz, DjLibraryFiles) {
  test::TempDir d;
  const std::vector<std::string> seeds = {
      R"(<?xml version="1.0" encoding="UTF-8"?><DJ_PLAYLISTS Version="1.0.0"><COLLECTION Entries="1"><TRACK TrackID="1" Name="A" AverageBpm="128.00" Tonality="Am" Rating="204" Colour="0xFF0000" Location="file://localhost/C:/Music/a%20b.mp3"><TEMPO Inizio="0.1" Bpm="128" Metro="4/4" Battito="1"/><POSITION_MARK Name="x" Type="4" Start="1" End="2" Num="1" Red="1" Green="2" Blue="3"/></TRACK></COLLECTION><PLAYLISTS><NODE Type="0" Name="ROOT"><NODE Type="0" Name="HISTORY"><NODE Name="HISTORY 2024-05-01" Type="1" KeyType="0"><TRACK Key="1"/></NODE></NODE></NODE></PLAYLISTS></DJ_PLAYLISTS>)",
      R"(<?xml version="1.0"?><NML VERSION="19"><COLLECTION ENTRIES="1"><ENTRY TITLE="A"><LOCATION DIR="/:m/:" FILE="a.mp3" VOLUME="C:"/><INFO KEY="1m" RANKING="255"/><TEMPO BPM="128"/><MUSICAL_KEY VALUE="21"/><CUE_V2 TYPE="4" START="100" HOTCUE="0"><GRID BPM="128"/></CUE_V2></ENTRY></COLLECTION><PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES><NODE TYPE="PLAYLIST" NAME="HISTORY"><PLAYLIST><ENTRY><PRIMARYKEY TYPE="TRACK" KEY="C:/:m/:a.mp3"/><EXTENDEDDATA STARTDATE="132644097" STARTTIME="77400"/></ENTRY></PLAYLIST></NODE></SUBNODES></NODE></PLAYLISTS></NML>)",
      "#EXTM3U\r\n#EXTINF:301,A - B\r\nmusic/a.mp3\r\n../b.mp3\r\nfile://localhost/C:/x.mp3\r\n",
      "[playlist]\nFile1=/m/a.mp3\nTitle1=A - B\nLength1=200\nNumberOfEntries=1\n",
      std::string("vrsn\0\0\0\4\0a\0b", 12) + std::string("otrk\0\0\0\x0c" "ptrk\0\0\0\4\0a\0b", 20)};
  EXPECT_GT(fuzz("dj_files", seeds, [&](const std::string& bytes) {
              for (const char* name : {"x.xml", "collection.nml", "x.m3u8", "x.pls", "x.crate"}) {
                test::write_bytes(d.file(name), bytes);
                const std::string n(name);
                auto r = n == "x.xml" ? interop::read_rekordbox_xml(d.file(name))
                         : n == "collection.nml" ? interop::read_traktor_nml(d.file(name))
                         : n == "x.crate" ? interop::read_serato(d.file(name))
                                          : interop::read_playlist_file(d.file(name));
                if (!r) one_line(r.status().message());
                else for (const auto& w : r->warnings) one_line(w);
              }
            }),
            0u);
}

TEST(Fuzz, SeratoObjects) {
  auto be = [](uint32_t v) {
    std::string s;
    for (int k = 24; k >= 0; k -= 8) s.push_back(static_cast<char>((v >> k) & 0xFF));
    return s;
  };
  const std::string grid = std::string("\x01\x00", 2) + be(1) + be(0x3DCCCCCD) + be(0x43000000) + '\0';
  const std::string markers = std::string("\x01\x01", 2) + "AQFDVUUAAAAADQABAAB9ZADMAAAAAERyb3AA" + '\0';
  EXPECT_GT(fuzz("serato_objects", {grid, markers, std::string("\x01\x01", 2) + "126.00" + '\0'}, [](const std::string& bytes) {
              for (const char* name : {"Serato BeatGrid", "Serato Markers2", "Serato Autotags"}) {
                interop::DjTrack t;
                Status s = interop::apply_serato_objects({{name, bytes}}, t);
                if (!s) one_line(s.message());
                for (const auto& g : t.grid) EXPECT_TRUE(std::isfinite(g.bpm) && g.bpm > 0);
              }
            }),
            0u);
}

}  // namespace
}  // namespace codex
