// Renders synthetic tracks with and without a voice and prints what the timbre analyzer hears,
// for tuning the vocal detector. Usage: codex_vocal_debug [SEED]
#include <cstdio>
#include <cstdlib>

#include "codex/analysis/timbre.h"
#include "codex/demo/synth.h"

using namespace codex;

static nlohmann::json run(const demo::TrackSpec& spec) {
  const demo::Rendered r = demo::render_track(spec, 22050);
  std::vector<float> mono(r.samples.size() / 2);
  for (size_t i = 0; i < mono.size(); ++i) mono[i] = 0.5f * (r.samples[2 * i] + r.samples[2 * i + 1]);
  analysis::TimbreAnalyzer a;
  if (!a.start({22050, 22050, 1}).ok()) std::exit(1);
  for (size_t i = 0; i < mono.size(); i += 4096) {
    audio::AudioBlock b;
    b.mono = mono.data() + i;
    b.mono_frames = static_cast<int64_t>(std::min<size_t>(4096, mono.size() - i));
    a.process(b);
  }
  return a.finish().values;
}

int main(int argc, char** argv) {
  const uint64_t seed = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1;
  struct Case {
    const char* name;
    demo::Voice voice;
    demo::VocalStyle style;
    bool chords, bass;
    demo::Pattern pattern;
    double bpm;
  };
  using demo::Pattern;
  using demo::Voice;
  using demo::VocalStyle;
  const Case cases[] = {
      {"voice only female sing", Voice::kFemale, VocalStyle::kSinging, false, false, Pattern::kNone, 120},
      {"voice only male sing", Voice::kMale, VocalStyle::kSinging, false, false, Pattern::kNone, 120},
      {"voice only male rap", Voice::kMale, VocalStyle::kRap, false, false, Pattern::kNone, 90},
      {"voice only female rap", Voice::kFemale, VocalStyle::kRap, false, false, Pattern::kNone, 90},
      {"pads only", Voice::kNone, VocalStyle::kSinging, true, false, Pattern::kNone, 120},
      {"full instrumental 4x4", Voice::kNone, VocalStyle::kSinging, true, true, Pattern::kFourOnFloor, 124},
      {"full instrumental breaks", Voice::kNone, VocalStyle::kSinging, true, true, Pattern::kBreakbeat, 90},
      {"full female sing 4x4", Voice::kFemale, VocalStyle::kSinging, true, true, Pattern::kFourOnFloor, 124},
      {"full male sing halftime", Voice::kMale, VocalStyle::kSinging, true, true, Pattern::kHalfTime, 94},
      {"full male rap breaks", Voice::kMale, VocalStyle::kRap, true, true, Pattern::kBreakbeat, 90},
      {"full female rap breaks", Voice::kFemale, VocalStyle::kRap, true, true, Pattern::kBreakbeat, 90},
  };
  for (const Case& c : cases) {
    demo::TrackSpec s;
    s.seed = seed;
    s.voice = c.voice;
    s.vocal_style = c.style;
    s.chords = c.chords;
    s.bass = c.bass;
    s.pattern = c.pattern;
    s.bpm = c.bpm;
    s.seconds = 60;
    s.breakdown = false;
    if (const char* d = std::getenv("RAP_PICKUPS")) s.rap_pickups = std::atof(d);
    const auto v = run(s)["vocals"];
    std::printf("%-28s %-12s %-8s ratio %.3f f0 %4.0f lo %.2f hi %.2f steady %.2f vib %.2f phrase %.2f\n", c.name,
                v["presence"].get<std::string>().c_str(), v["style"].get<std::string>().c_str(), v["ratio"].get<double>(),
                v["f0_median_hz"].get<double>(), v["low_share"].get<double>(), v["high_share"].get<double>(),
                v["steadiness"].get<double>(), v["vibrato"].get<double>(), v["phrase_s"].get<double>());
  }
}
