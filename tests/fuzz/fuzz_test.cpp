// Deterministic mutation fuzzing of every parser of outside data, runnable with GCC (and under
// scripts/sanitize.sh with ASan/UBSan): seeds are mutated (bit flips, byte edits, truncation,
// splices, deep nesting, long digit runs, control characters) and each result is fed to the parser,
// which must return — no crash, no exception, errors as one line. Each target runs for
// CODEX_FUZZ_SECONDS (default 2) with a fixed seed, and prints how many inputs it tried.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "codex/analysis/pass.h"
#include "codex/analysis/results.h"
#include "codex/core/config.h"
#include "codex/demo/synth.h"
#include "codex/library/jsonl.h"
#include "codex/music/key.h"
#include "codex/prompt/intent.h"
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

// Runs `target` on mutations of `seeds` for the time budget; returns the number of inputs tried.
size_t fuzz(const char* name, const std::vector<std::string>& seeds, const std::function<void(const std::string&)>& target,
            double seconds = budget_s()) {
  Mutator m(0xC0DE5EEDull ^ std::hash<std::string>{}(name));
  std::vector<std::string> corpus = seeds;
  size_t runs = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (const auto& s : seeds) target(s), ++runs;
  while (std::chrono::steady_clock::now() < until) {
    const std::string input = m.mutate(corpus[m.next() % corpus.size()], corpus);
    target(input);
    ++runs;
    if (corpus.size() < 256 && m.next() % 8 == 0) corpus.push_back(input);  // keep some mutants as seeds
  }
  std::printf("fuzz %-16s %zu inputs in %.0f s\n", name, runs, seconds);
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
                  "change up the genre to house, not techno", "8A energy boost peak", "-20 bpm wind down"},
                 [&](const std::string& text) {
                   const prompt::Intent in = prompt::parse_intent(text, vocab);
                   (void)in.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                   EXPECT_TRUE(!in.target_bpm || std::isfinite(*in.target_bpm));
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
                 {R"({"tempo":{"bpm":128.0,"beat_grid":{"steady":true,"first_beat_s":0.1},"groove":{"kick_every_beat":0.9}},"key":{"key":"8A"},"energy":{"energy":7,"envelope_db":[-10,-12]},"loudness":{"integrated_lufs":-9.1}})"},
                 [](const std::string& text) {
                   const auto j = nlohmann::json::parse(text, nullptr, false);
                   if (j.is_discarded()) return;
                   (void)analysis::read_results(j);
                 }),
            0u);
}

TEST(Fuzz, SmallCorruptAudioFiles) {
  // Decoding goes through FFmpeg: fewer, slower runs, each a real file on disk.
  test::TempDir dir;
  std::vector<std::string> seeds;
  for (auto format : {audio::Format::kWav16, audio::Format::kFlac, audio::Format::kMp3}) {
    const std::string path = dir.file("seed");
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

}  // namespace
}  // namespace codex
