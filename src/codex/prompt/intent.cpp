#include "codex/prompt/intent.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>
#include <mutex>
#include <set>

#include "codex/core/text.h"
#include "codex/prompt/lexicon.h"

namespace codex::prompt {
namespace {

using Tokens = std::vector<std::string>;

Tokens tokenize(const std::string& text) {
  Tokens out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  const std::string s = ascii_lower(to_valid_utf8(text));
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool word = std::isalnum(static_cast<unsigned char>(c)) || c == '#' || c == '.' ||
                      (c == '-' && !cur.empty()) || (c == '\'' && !cur.empty()) ||
                      ((c == '+' || c == '-') && cur.empty() && i + 1 < s.size() &&
                       std::isdigit(static_cast<unsigned char>(s[i + 1])));
    if (c == '&') {
      flush();
      out.push_back("and");
    } else if (c == '%') {
      flush();
      out.push_back("%");  // "80%" is not a tempo
    } else if (word) {
      cur.push_back(c);
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      cur.push_back(c);  // keep non-ASCII letters inside words
    } else {
      flush();
    }
  }
  flush();
  for (auto& t : out) {
    while (!t.empty() && (t.back() == '.' || t.back() == '-' || t.back() == '\'')) t.pop_back();
  }
  out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
  return out;
}

Tokens split(const std::string& phrase) { return tokenize(phrase); }

bool is_number(const std::string& t, double* v) {
  if (t.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size();
}

struct Rule {
  Tokens phrase;
  std::function<void(Intent&, bool negated)> apply;
};

const std::set<std::string>& negators() {
  static const std::set<std::string> k = {"not", "no", "avoid", "without", "don't", "dont", "never", "nothing", "skip"};
  return k;
}

const std::set<std::string>& stopwords() {
  static const std::set<std::string> k = {
      "a", "an", "the", "it", "its", "it's", "something", "some", "but", "and", "or", "to", "of", "please", "i",
      "want", "need", "track", "tracks", "tune", "tunes", "song", "songs", "next", "play", "me", "give", "bit",
      "little", "lot", "just", "now", "then", "that", "this", "is", "be", "let's", "lets", "go", "for", "in", "on",
      "into", "up", "down", "keep", "same", "more", "less", "much", "way", "very", "really", "kind", "sort", "like",
      "with", "we", "us", "let", "get", "take", "time", "while", "can", "could", "should", "would", "toward",
      "towards", "from", "at", "as", "than", "again", "still", "right", "one", "thing", "stuff", "vibe", "vibes",
      "feel", "feeling", "mood", "key", "tempo", "bpm", "energy", "music", "set", "crowd", "floor", "dance",
      "too", "so", "overly", "anything", "any", "pls", "plz", "maybe", "yet", "bring", "make", "go", "going", "type",
      "kinda", "sorta", "bit", "tad", "touch", "notch", "around", "about", "ish", "em", "them", "people", "here",
      "there", "our", "your", "my", "what", "where", "somewhere", "place", "moment", "vibe-wise", "again", "now",
      "tonight", "y'all", "yall", "folks", "guys", "lets", "ok", "okay", "yeah", "yes", "hey", "stuff", "things",
      "sound", "sounds", "sounding", "side", "bring", "gimme", "got", "have", "has", "do", "does", "doing",
      "we're", "i'm", "let's", "after", "before", "over", "off", "out", "all", "only", "something's", "whats",
      "while", "for", "few", "next", "one", "ones", "by", "energy-wise", "notches", "level", "levels", "%"};
  return k;
}

const std::vector<std::string>& builtin_genres() {
  static const std::vector<std::string> k = {
      "techno", "house", "deep house", "tech house", "progressive house", "minimal", "trance", "psytrance",
      "drum and bass", "dnb", "jungle", "dubstep", "garage", "uk garage", "breaks", "breakbeat", "hip-hop",
      "hip hop", "rap", "trap", "disco", "nu disco", "funk", "electro", "ambient", "downtempo", "afro house",
      "amapiano", "hardstyle", "hardcore", "acid", "edm", "pop", "r&b", "rnb", "soul", "jazz", "reggae", "dancehall"};
  return k;
}

std::string canonical_genre(const std::string& g) {
  if (g == "dnb" || g == "drum and bass") return "drum & bass";
  if (g == "hip hop" || g == "rap") return "hip-hop";
  if (g == "breakbeat") return "breaks";
  return g;
}

// What a mood word asks for: a move on the valence/arousal plane and/or a vibe. Negated, it is
// avoided ("not too dark", "nothing sad"); a negated energy move holds the energy.
void apply_mood(Intent& in, MoodClass c, bool neg) {
  using D = Direction;
  if (neg) {
    if (c == MoodClass::kEnergyUp || c == MoodClass::kEnergyDown) {
      in.energy = in.arousal = D::kHold;
    } else {
      const std::string name = mood_class_name(c);
      if (std::find(in.avoid_moods.begin(), in.avoid_moods.end(), name) == in.avoid_moods.end()) {
        in.avoid_moods.push_back(name);
      }
    }
    return;
  }
  switch (c) {
    case MoodClass::kEnergyUp: in.energy = in.arousal = D::kUp; break;
    case MoodClass::kEnergyDown: in.energy = in.arousal = D::kDown; break;
    case MoodClass::kCalm: in.arousal = D::kDown, in.energy = D::kDown; break;
    case MoodClass::kSad: in.valence = D::kDown; break;
    case MoodClass::kDark: in.valence = D::kDown, in.vibe = "dark", in.brightness = -1; break;
    case MoodClass::kHappy: in.valence = D::kUp; break;
    case MoodClass::kBright: in.valence = D::kUp, in.vibe = "bright", in.brightness = 1; break;
    case MoodClass::kAggressive: in.vibe = "aggressive", in.arousal = D::kUp, in.valence = D::kDown; break;
    case MoodClass::kChill: in.vibe = "chill", in.arousal = D::kDown; break;
    case MoodClass::kHypnotic: in.vibe = "hypnotic"; break;
    case MoodClass::kEuphoric: in.vibe = "euphoric", in.valence = D::kUp, in.arousal = D::kUp; break;
  }
}

const char* mood_meaning(MoodClass c) {
  switch (c) {
    case MoodClass::kEnergyUp: return "more energy";
    case MoodClass::kEnergyDown: return "less energy";
    case MoodClass::kCalm: return "calmer";
    case MoodClass::kSad: return "sadder";
    case MoodClass::kDark: return "darker";
    case MoodClass::kHappy: return "happier";
    case MoodClass::kBright: return "brighter";
    case MoodClass::kAggressive: return "more aggressive";
    case MoodClass::kChill: return "chill";
    case MoodClass::kHypnotic: return "hypnotic";
    case MoodClass::kEuphoric: return "euphoric";
  }
  return "?";
}

std::vector<Rule> build_rules(const Vocabulary& vocab) {
  std::vector<Rule> r;
  auto add = [&](std::initializer_list<const char*> phrases, std::function<void(Intent&, bool)> f) {
    for (const char* p : phrases) r.push_back({split(p), f});
  };
  auto energy = [](Direction d, int steps = 1) {
    return [d, steps](Intent& in, bool neg) {
      if (neg && moves(d)) in.energy = Direction::kHold;  // "not more energy"
      else in.energy = d;
      in.arousal = in.energy;
      in.energy_steps = steps;
      if (steps > 1) in.strength = std::max(in.strength, 2.0);
    };
  };
  add({"much more energy", "way more energy", "crank it right up", "go hard", "go harder"}, energy(Direction::kUp, 2));
  add({"more energy", "crank it up", "crank it", "turn it up", "pump it up", "push it", "push the energy", "step it up",
       "energy up", "raise the energy", "lift it", "lift the energy", "harder", "more intense", "more intensity",
       "bigger", "more power", "heat it up", "up the energy", "turn up", "get the energy up", "bring the energy",
       "kick it up", "kick it up a notch", "ramp it up", "amp it up", "raise the roof", "more drive", "more punch",
       "bang it", "go off", "get them moving", "get people moving", "wake them up", "wake it up", "more oomph",
       "up a gear", "up a notch", "lift the floor", "higher energy", "high energy", "high-energy", "energise",
       "energize", "energise the floor", "energize the room", "energise the room", "energize the floor",
       "more welly", "give it some welly", "full-on", "full on", "get hyped"},
      energy(Direction::kUp));
  add({"much less energy", "way less energy"}, energy(Direction::kDown, 2));
  add({"bring it down", "less energy", "lower the energy", "energy down", "take it down", "calm it down",
       "calm down", "cool it down", "cool down", "softer", "mellower", "gentler", "less intense", "tone it down",
       "ease off", "drop the energy", "lose the energy", "kill the energy", "pull back", "pull it back",
       "dial it back", "dial it down", "back off", "drop the intensity", "lower the intensity", "less intensity",
       "take the edge off", "turn it down", "simmer down", "let it breathe", "come down a notch",
       "foot off the pedal", "off the gas", "let the floor breathe", "let them breathe", "take the heat out",
       "cool the room", "cool the room off", "bring the room down", "bring the floor down", "de-escalate",
       "deescalate", "lower energy", "lower-energy", "not so full-on", "less full-on", "unwind", "relax the room",
       "relax them", "relax the floor", "calm the room", "calm the floor", "calm the nerves", "settle the room"},
      energy(Direction::kDown));
  add({"keep the energy", "keep energy", "same energy", "keep it rolling", "keep rolling", "maintain the energy",
       "hold the energy", "keep it going", "keep the momentum", "steady energy", "keep the level",
       "keep the intensity", "hold the intensity", "same intensity"},
      energy(Direction::kHold));

  // Mood phrases of more than one word (single mood words are read by the lexicon, lexicon.h).
  auto mood = [](MoodClass c) { return [c](Intent& in, bool neg) { apply_mood(in, c, neg); }; };
  add({"hands up", "hands in the air", "arms in the air", "in the air", "big room", "lift off", "peak emotion",
       "goosebump moment", "goosebumps moment"},
      mood(MoodClass::kEuphoric));
  add({"laid back", "chill out", "chilled out", "mellow it out", "mellow out", "kick back", "take it easy",
       "easy listening", "sunset vibes", "sunday morning", "float away", "drift off", "blissed out", "blissed-out",
       "on a beach", "beach vibes", "hammock", "cosy vibes", "cozy vibes", "poolside"},
      mood(MoodClass::kChill));
  add({"heads down", "go deep", "go deeper", "lock in", "locked in", "down the rabbit hole", "in the zone",
       "zone out", "get lost", "more depth", "into a groove", "lock them in", "pulls you under", "pull you under",
       "pull them under", "tunnel", "tunnelly", "spiralling", "spiraling", "spiral"},
      mood(MoodClass::kHypnotic));
  add({"feel good", "feel-good", "good vibes", "good times", "cheer up", "cheer it up", "lift the mood",
       "lighten the mood", "lighten up", "brighten up", "brighten it up", "brighten the mood", "put a smile",
       "make them smile", "make em smile", "raise the mood", "lift the vibe", "summer vibes", "on the sunny side"},
      mood(MoodClass::kHappy));
  add({"sad songs", "make em cry", "make them cry", "make it hurt", "in my feels",
       "in the feels", "tear jerker", "tear-jerker", "pull the heartstrings", "heart strings", "darker mood",
       "darken the mood", "darken it", "more emotion", "rainy day"},
      mood(MoodClass::kSad));
  add({"wind it back", "bring it way down", "calm things down", "settle it down", "settle down", "quiet it down",
       "quieten it down", "quieter moment", "breather", "a breather", "catch our breath", "catch a breath"},
      mood(MoodClass::kCalm));
  add({"more aggressive", "angry", "get nasty", "get dirty", "get filthy", "mosh pit", "rip it up", "tear it up", "tear the roof off"},
      mood(MoodClass::kAggressive));
  add({"dark side", "dark room", "dark and twisted", "after dark"}, mood(MoodClass::kDark));
  add({"more attitude", "with attitude", "more venom", "more bite", "more teeth", "more snarl"}, mood(MoodClass::kAggressive));
  add({"that soars", "soars", "something that soars", "lift us up", "take us higher", "spine tingling"},
      mood(MoodClass::kEuphoric));
  // "don't bring the mood down" keeps the valence; "don't lose the energy" keeps the energy.
  add({"bring the mood down", "bring down the mood", "kill the mood", "drag the mood down"},
      [](Intent& in, bool neg) {
        if (neg) in.valence = Direction::kHold;
        else apply_mood(in, MoodClass::kSad, false);
      });
  add({"keep the mood", "keep the vibe", "keep the feeling", "same mood", "hold the mood"},
      [](Intent& in, bool neg) {
        if (!neg) in.valence = Direction::kHold;
      });

  auto tempo = [](Direction d) {
    return [d](Intent& in, bool neg) {
      if (neg && d == Direction::kDown) in.not_slower = true;
      else if (neg && d == Direction::kUp) in.not_faster = true;
      else in.tempo = d;
    };
  };
  add({"faster", "speed up", "speed it up", "quicker", "pick up the pace", "up the tempo", "more tempo"},
      tempo(Direction::kUp));
  add({"slower", "slow down", "slow it down", "slow it", "drop the tempo", "lower tempo"}, tempo(Direction::kDown));
  add({"same tempo", "same bpm", "keep the tempo", "keep the bpm", "steady tempo", "same speed", "match the tempo",
       "this bpm", "this tempo", "stay at this bpm", "stay at this tempo", "at this bpm", "at this tempo"},
      tempo(Direction::kHold));
  add({"tempo change", "change the tempo", "change tempo", "any tempo", "any bpm", "ignore tempo", "ignore the tempo",
       "switch tempo"},
      [](Intent& in, bool) { in.tempo_free = true; });

  auto key_rule = [](KeyRule k) {
    return [k](Intent& in, bool neg) {
      if (neg && k == KeyRule::kHarmonic) in.key_rule = KeyRule::kAny;
      else if (!neg) in.key_rule = k;
    };
  };
  add({"same key", "keep the key", "stay in key", "in the same key"}, key_rule(KeyRule::kSame));
  add({"minor key", "in minor", "minor", "in a minor key", "a minor key"}, key_rule(KeyRule::kMinor));
  add({"major key", "in major", "major", "in a major key", "a major key"}, key_rule(KeyRule::kMajor));
  add({"harmonic", "harmonically", "in key", "compatible key", "key compatible", "mix in key", "harmonic mix"},
      key_rule(KeyRule::kHarmonic));
  add({"energy boost", "key boost", "key change up", "semitone up", "pitch up"}, key_rule(KeyRule::kEnergyBoost));
  add({"any key", "ignore key", "ignore the key", "key doesn't matter", "key does not matter", "clash"},
      key_rule(KeyRule::kAny));

  auto vocals = [](bool want, const char* who) {
    return [want, who](Intent& in, bool neg) {
      const bool w = neg ? !want : want;
      in.vocals = w;
      if (w && who) in.vocal_presence = who;
    };
  };
  add({"with vocals", "vocals", "vocal", "a vocal", "singing", "singer", "lyrics", "sung"}, vocals(true, nullptr));
  add({"female vocals", "female vocal", "female vocalist", "female singer", "diva"}, vocals(true, "female"));
  add({"male vocals", "male vocal", "male vocalist", "male singer"}, vocals(true, "male"));
  add({"instrumental", "no vocals", "without vocals", "avoid vocals", "no vocal", "vocal-free"},
      [](Intent& in, bool neg) { in.vocals = neg; });

  add({"change up the genre", "change the genre", "change genre", "different genre", "switch genre",
       "switch the genre", "switch genres", "new genre", "another genre"},
      [](Intent& in, bool neg) { in.genre_rule = neg ? GenreRule::kSame : GenreRule::kChange; });
  add({"same genre", "stay in the genre", "keep the genre", "same style", "stick to the genre"},
      [](Intent& in, bool neg) { in.genre_rule = neg ? GenreRule::kChange : GenreRule::kSame; });
  std::vector<std::string> genres = builtin_genres();
  for (const auto& g : vocab.genres) genres.push_back(ascii_lower(g));
  for (const auto& g : genres) {
    const std::string canon = canonical_genre(ascii_lower(g));
    r.push_back({split(g), [canon](Intent& in, bool neg) {
                   if (neg) {
                     in.genre_rule = GenreRule::kChange;
                     in.avoid_moods.push_back(canon);
                   } else {
                     in.genre_rule = GenreRule::kSpecific;
                     in.genre = canon;
                   }
                 }});
  }

  auto narrative = [](const char* n, Direction e) {
    return [n, e](Intent& in, bool) {
      in.narrative = n;
      if (e != Direction::kNone && in.energy == Direction::kNone) in.energy = e;
      if (e != Direction::kNone && in.arousal == Direction::kNone) in.arousal = e;
    };
  };
  add({"build toward a peak", "build towards a peak", "build toward the peak", "build towards the peak", "build up",
       "building", "build", "build it", "start building"},
      narrative("build", Direction::kUp));
  add({"peak time", "peak-time", "peak", "peaktime", "main room", "banger", "bangers", "time to peak"},
      narrative("peak", Direction::kUp));
  add({"warm-up", "warm up", "warmup", "opener", "opening", "early in the night", "start of the night"},
      narrative("warm-up", Direction::kNone));
  add({"closer", "closing", "closing track", "last track", "end of the night", "end the night", "finale"},
      narrative("closer", Direction::kNone));
  add({"wind down", "winding down", "wind it down", "come down", "comedown", "cool off", "after hours",
       "wind things down", "winding things down", "come down from the peak", "start the comedown"},
      narrative("wind-down", Direction::kDown));

  add({"more of the same", "similar", "same vibe", "same feel", "like this one", "like this", "same kind"},
      [](Intent& in, bool neg) { in.similarity = neg ? Similarity::kDifferent : Similarity::kSame; });
  add({"usually play", "normally play", "usually play after", "usually play after this", "always play", "always play after",
       "my usual", "the usual", "as usual", "usual", "my go-to", "go-to", "usually do", "usually follow"},
      [](Intent& in, bool neg) { in.history = neg ? HistoryRule::kFresh : HistoryRule::kUsual; });
  // "not played in a while" and "haven't played in a while" both ask for something fresh.
  add({"haven't played in a while", "havent played in a while", "haven't played lately", "havent played lately",
       "haven't played recently", "haven't heard in a while", "haven't played for ages", "haven't played in ages",
       "played in a while", "play in a while", "in a while", "in ages", "for ages", "played lately", "played recently",
       "something fresh", "fresh one", "deep cut", "deep cuts", "forgotten", "forgot about", "rarely play",
       "rarely played", "dig deeper", "dig deep", "heard in a while"},
      [](Intent& in, bool) { in.history = HistoryRule::kFresh; });
  add({"something different", "different", "switch it up", "change it up", "surprise me", "mix it up", "contrast"},
      [](Intent& in, bool neg) { in.similarity = neg ? Similarity::kSame : Similarity::kDifferent; });

  // The corpus's own mood words: favoured as tags, and moving the set when they are mood words.
  for (const auto& m : vocab.moods) {
    const std::string word = ascii_lower(m);
    const auto reading = read_mood_word(word, false);
    r.push_back({split(word), [word, reading](Intent& in, bool neg) {
                   if (reading) apply_mood(in, reading->mood, neg);
                   else (neg ? in.avoid_moods : in.moods).push_back(word);
                   if (reading && !neg) in.moods.push_back(word);
                 }});
  }
  // Longest phrases first, so "more energy" wins over "energy" and "deep house" over "deep".
  std::stable_sort(r.begin(), r.end(), [](const Rule& a, const Rule& b) { return a.phrase.size() > b.phrase.size(); });
  return r;
}

// The rules and the known words for one vocabulary, built once and kept for the next prompt with
// the same vocabulary (a library's vocabulary changes only when the library does).
struct Grammar {
  std::vector<Rule> rules;
  std::set<std::string> known;  // every word the rules, stop words and mood lists hold
};

std::shared_ptr<const Grammar> grammar_for(const Vocabulary& vocab) {
  static std::mutex mutex;
  static std::vector<std::string> cached_key;
  static std::shared_ptr<const Grammar> cached;
  std::vector<std::string> key = vocab.genres;
  key.push_back("\x1f");
  key.insert(key.end(), vocab.moods.begin(), vocab.moods.end());
  std::lock_guard<std::mutex> lock(mutex);
  if (cached && key == cached_key) return cached;
  auto g = std::make_shared<Grammar>();
  g->rules = build_rules(vocab);
  g->known.insert(stopwords().begin(), stopwords().end());
  g->known.insert(negators().begin(), negators().end());
  for (const auto& rule : g->rules) g->known.insert(rule.phrase.begin(), rule.phrase.end());
  g->known.insert(mood_words().begin(), mood_words().end());
  for (const char* w : {"minor", "major", "bpm", "around", "about", "same", "harder", "faster", "slower"}) g->known.insert(w);
  cached_key = std::move(key);
  cached = g;
  return g;
}

}  // namespace

Intent parse_intent(const std::string& text, const Vocabulary& vocab) {
  Intent in;
  in.prompt = to_valid_utf8(text);
  Tokens t = tokenize(text);
  const std::shared_ptr<const Grammar> grammar = grammar_for(vocab);
  const std::vector<Rule>& rules = grammar->rules;
  // Spelling slips first ("mroe energy", "calmr"): a word nobody knows — not in the rules, the
  // stop words, the mood lists or WordNet — one edit from exactly one word the parser knows.
  {
    const std::set<std::string>& known = grammar->known;
    double unused = 0;
    // A hyphenated word nobody knows is read as its words ("hands-in-the-air", "happy-clappy").
    Tokens split_tokens;
    for (const auto& tok : t) {
      if (tok.find('-') == std::string::npos || tok[0] == '-' || known.count(tok) || read_mood_word(tok, false) ||
          wordnet_knows(tok)) {
        split_tokens.push_back(tok);
        continue;
      }
      size_t start = 0;
      while (start <= tok.size()) {
        const size_t end = std::min(tok.find('-', start), tok.size());
        if (end > start) split_tokens.push_back(tok.substr(start, end - start));
        start = end + 1;
      }
    }
    t = std::move(split_tokens);
    for (auto& tok : t) {
      if (known.count(tok) || is_number(tok, &unused) || std::isdigit(static_cast<unsigned char>(tok[0])) ||
          read_mood_word(tok, false) || wordnet_knows(tok)) {
        continue;
      }
      if (auto fix = correct_spelling(tok, known)) {
        in.senses.push_back({tok, *fix, "spelling of " + *fix});
        tok = *fix;
      }
    }
  }
  // Strength: "a touch calmer" (0.5), "way more energy" (2).
  for (const auto& tok : t) {
    if (const double k = strength_of(tok); k > 0) in.strength = k;
  }
  std::vector<bool> used(t.size(), false);
  std::vector<std::pair<MoodClass, bool>> deferred;
  bool pending_negation = false;
  size_t negation_at = 0;
  for (size_t i = 0; i < t.size();) {
    if (negators().count(t[i])) {
      // "no vocals" and "without vocals" are phrases of their own; otherwise negate what follows.
      bool phrase = false;
      for (const auto& rule : rules) {
        if (rule.phrase.size() >= 2 && i + rule.phrase.size() <= t.size() &&
            std::equal(rule.phrase.begin(), rule.phrase.end(), t.begin() + static_cast<std::ptrdiff_t>(i))) {
          phrase = true;
          break;
        }
      }
      if (!phrase) {
        pending_negation = true;
        negation_at = i;
        used[i] = true;
        ++i;
        continue;
      }
    }
    // Numbers: "128 bpm", "128bpm", "+4 bpm", "-3bpm".
    double v = 0;
    std::string num = t[i];
    bool bpm_word = i + 1 < t.size() && t[i + 1] == "bpm";
    if (num.size() > 3 && num.compare(num.size() - 3, 3, "bpm") == 0) {
      num = num.substr(0, num.size() - 3);
      bpm_word = true;
    }
    if (bpm_word && is_number(num, &v)) {
      if (num[0] == '+' || num[0] == '-') {
        if (pending_negation && v < 0) in.not_slower = true;
        else in.bpm_delta = v;
      } else if (v >= 40 && v <= 250) {
        in.target_bpm = v;
      }
      in.understood.push_back(t[i] + (t[i] == num ? " bpm" : ""));
      used[i] = true;
      if (t[i] == num) used[i + 1] = true;
      i += t[i] == num ? 2 : 1;
      pending_negation = false;
      continue;
    }
    // A bare tempo: "around 128", "at 138", "dnb, 174" (a number a DJ's tempo takes).
    if (is_number(t[i], &v) && t[i][0] != '+' && t[i][0] != '-' && v >= 60 && v <= 200 &&
        (i + 1 >= t.size() || (t[i + 1] != "%" && t[i + 1] != "percent"))) {
      if (!(pending_negation && i - negation_at <= 3)) in.target_bpm = v;  // "not 140" names no target
      in.understood.push_back(t[i]);
      used[i] = true;
      ++i;
      pending_negation = false;
      continue;
    }
    // A key by name or Camelot/Open Key code: "8a", "a minor", "f#m", "c major".
    if (auto k = music::parse_key(t[i]); k && t[i].size() >= 2 && std::isdigit(static_cast<unsigned char>(t[i][0]))) {
      in.key_rule = KeyRule::kSpecific;
      in.key = *k;
      in.understood.push_back(t[i]);
      used[i] = true;
      ++i;
      continue;
    }
    if (i + 1 < t.size() && (t[i + 1] == "minor" || t[i + 1] == "major") && t[i].size() <= 2 && t[i] != "in" &&
        !(t[i] == "a" && i + 2 < t.size() && t[i + 2] == "key")) {
      if (auto k = music::parse_key(t[i] + " " + t[i + 1])) {
        in.key_rule = KeyRule::kSpecific;
        in.key = *k;
        in.understood.push_back(t[i] + " " + t[i + 1]);
        used[i] = used[i + 1] = true;
        i += 2;
        continue;
      }
    }
    bool matched = false;
    for (const auto& rule : rules) {
      const size_t n = rule.phrase.size();
      if (n == 0 || i + n > t.size()) continue;
      if (!std::equal(rule.phrase.begin(), rule.phrase.end(), t.begin() + static_cast<std::ptrdiff_t>(i))) continue;
      const bool neg = pending_negation && i - negation_at <= 3;
      rule.apply(in, neg);
      std::string phrase;
      for (const auto& w : rule.phrase) phrase += (phrase.empty() ? "" : " ") + w;
      in.understood.push_back(neg ? "not " + phrase : phrase);
      for (size_t k = i; k < i + n; ++k) used[k] = true;
      i += n;
      matched = true;
      pending_negation = false;
      break;
    }
    if (!matched && !stopwords().count(t[i]) && !negators().count(t[i]) && strength_of(t[i]) == 0) {
      // A single mood word: the word lists, its base form, WordNet, else the learned guess (lexicon.h).
      double unused_number = 0;
      auto reading = read_mood_word(t[i]);
      if (!reading && !is_number(t[i], &unused_number) && !grammar->known.count(t[i])) reading = learned_mood_word(t[i]);
      if (reading) {
        bool neg = pending_negation && i - negation_at <= 3;
        // "less driving" is less energy; "less dark" avoids dark.
        MoodClass c = reading->mood;
        if (i > 0 && (t[i - 1] == "less" || t[i - 1] == "fewer")) {
          if (c == MoodClass::kEnergyUp) c = MoodClass::kEnergyDown;
          else if (c == MoodClass::kEnergyDown || c == MoodClass::kCalm) c = MoodClass::kEnergyUp;
          else neg = !neg;
          used[i - 1] = true;
        }
        if (reading->via.rfind("WordNet", 0) == 0 || reading->via.rfind("learned", 0) == 0) {
          deferred.push_back({c, neg});  // a direct word wins over a WordNet or learned reading
        } else {
          apply_mood(in, c, neg);
        }
        in.understood.push_back(neg ? "not " + t[i] : t[i]);
        in.senses.push_back({t[i], std::string(neg ? "not " : "") + mood_meaning(reading->mood), reading->via});
        used[i] = true;
        // A guessed word does not use up a negation: "no cheesy euphoric anthems" still avoids euphoric.
        if (reading->via.rfind("learned", 0) != 0) pending_negation = false;
        matched = true;
        ++i;
      }
    }
    if (!matched) ++i;
  }
  // "crank the energy way up", "energy a notch lower": the word energy (or intensity) with a direction.
  if (in.energy == Direction::kNone && in.arousal == Direction::kNone) {
    bool energy_word = false;
    Direction d = Direction::kNone;
    for (const auto& w : t) {
      if (w == "energy" || w == "intensity" || w == "energy-wise") energy_word = true;
      if (w == "up" || w == "higher" || w == "raise" || w == "boost" || w == "increase" || w == "more") d = Direction::kUp;
      if (w == "down" || w == "lower" || w == "less" || w == "reduce" || w == "decrease" || w == "drop") d = Direction::kDown;
    }
    if (energy_word && d != Direction::kNone) {
      in.energy = in.arousal = d;
      in.understood.push_back(d == Direction::kUp ? "energy up" : "energy down");
    }
  }
  // WordNet's readings fill only what the direct words left open.
  for (const auto& [c, neg] : deferred) {
    Intent scratch;
    apply_mood(scratch, c, neg);
    // Energy follows arousal: one reading sets both or neither ("chill" then a guessed energy word
    // must not leave arousal down with energy up).
    if (in.arousal == Direction::kNone && in.energy == Direction::kNone) in.arousal = scratch.arousal, in.energy = scratch.energy;
    if (in.valence == Direction::kNone) in.valence = scratch.valence;
    if (!in.vibe) in.vibe = scratch.vibe;
    if (in.brightness == 0) in.brightness = scratch.brightness;
    for (const auto& a : scratch.avoid_moods) {
      if (std::find(in.avoid_moods.begin(), in.avoid_moods.end(), a) == in.avoid_moods.end()) in.avoid_moods.push_back(a);
    }
  }
  for (size_t i = 0; i < t.size(); ++i) {
    if (!used[i] && !stopwords().count(t[i]) && !negators().count(t[i]) && strength_of(t[i]) == 0) {
      in.unknown.push_back(t[i]);
    }
  }
  return in;
}

const char* direction_name(Direction d) {
  switch (d) {
    case Direction::kNone: return "none";
    case Direction::kUp: return "up";
    case Direction::kDown: return "down";
    case Direction::kHold: return "hold";
  }
  return "?";
}

const char* key_rule_name(KeyRule r) {
  switch (r) {
    case KeyRule::kHarmonic: return "harmonic";
    case KeyRule::kSame: return "same";
    case KeyRule::kAny: return "any";
    case KeyRule::kEnergyBoost: return "energy boost";
    case KeyRule::kMinor: return "minor";
    case KeyRule::kMajor: return "major";
    case KeyRule::kSpecific: return "specific";
  }
  return "?";
}

nlohmann::json Intent::to_json() const {
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  nlohmann::json j = {{"prompt", prompt},
                      {"energy", direction_name(energy)},
                      {"energy_steps", energy_steps},
                      {"arousal", direction_name(arousal)},
                      {"valence", direction_name(valence)},
                      {"strength", strength},
                      {"vibe", opt(vibe)},
                      {"brightness", brightness},
                      {"moods", moods},
                      {"avoid", avoid_moods},
                      {"tempo", direction_name(tempo)},
                      {"target_bpm", opt(target_bpm)},
                      {"bpm_delta", opt(bpm_delta)},
                      {"tempo_free", tempo_free},
                      {"not_slower", not_slower},
                      {"not_faster", not_faster},
                      {"key_rule", key_rule_name(key_rule)},
                      {"key", key ? nlohmann::json(key->camelot()) : nlohmann::json(nullptr)},
                      {"vocals", opt(vocals)},
                      {"vocal_presence", opt(vocal_presence)},
                      {"genre_rule", genre_rule == GenreRule::kAny      ? "any"
                                     : genre_rule == GenreRule::kSame   ? "same"
                                     : genre_rule == GenreRule::kChange ? "change"
                                                                        : "specific"},
                      {"genre", opt(genre)},
                      {"narrative", opt(narrative)},
                      {"similarity", similarity == Similarity::kDefault ? "default"
                                     : similarity == Similarity::kSame  ? "same"
                                                                        : "different"},
                      {"history", history == HistoryRule::kUsual   ? "usual"
                                  : history == HistoryRule::kFresh ? "fresh"
                                                                   : "default"},
                      {"understood", understood},
                      {"unknown", unknown}};
  nlohmann::json how = nlohmann::json::array();
  for (const auto& w : senses) how.push_back({{"word", w.word}, {"as", w.meaning}, {"via", w.via}});
  j["senses"] = how;
  return j;
}

}  // namespace codex::prompt
