#include "codex/prompt/intent.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "codex/core/text.h"

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
      "feel", "feeling", "mood", "key", "tempo", "bpm", "energy", "music", "set", "crowd", "floor", "dance"};
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

std::vector<Rule> build_rules(const Vocabulary& vocab) {
  std::vector<Rule> r;
  auto add = [&](std::initializer_list<const char*> phrases, std::function<void(Intent&, bool)> f) {
    for (const char* p : phrases) r.push_back({split(p), f});
  };
  auto energy = [](Direction d, int steps = 1) {
    return [d, steps](Intent& in, bool neg) {
      if (neg && d == Direction::kUp) in.energy = Direction::kHold;  // "not more energy"
      else if (neg && d == Direction::kDown) in.energy = Direction::kHold;
      else in.energy = d;
      in.energy_steps = steps;
    };
  };
  add({"much more energy", "way more energy", "crank it right up", "go hard", "go harder"}, energy(Direction::kUp, 2));
  add({"more energy", "crank it up", "crank it", "turn it up", "pump it up", "push it", "push the energy", "step it up",
       "energy up", "raise the energy", "lift it", "lift the energy", "harder", "more intense", "more intensity",
       "bigger", "more power", "heat it up", "up the energy"},
      energy(Direction::kUp));
  add({"much less energy", "way less energy"}, energy(Direction::kDown, 2));
  add({"bring it down", "less energy", "lower the energy", "energy down", "take it down", "calm it down",
       "calm down", "cool it down", "cool down", "softer", "mellower", "gentler", "less intense", "tone it down",
       "ease off", "drop the energy"},
      energy(Direction::kDown));
  add({"keep the energy", "keep energy", "same energy", "keep it rolling", "keep rolling", "maintain the energy",
       "hold the energy", "keep it going", "keep the momentum", "steady energy", "keep the level"},
      energy(Direction::kHold));

  auto vibe = [](const char* v, int bright) {
    return [v, bright](Intent& in, bool neg) {
      if (neg) {
        in.avoid_moods.push_back(v);
        return;
      }
      in.vibe = v;
      if (bright != 0) in.brightness = bright;
    };
  };
  add({"darker", "more dark", "dark", "moodier", "moody", "sinister", "gloomier", "grittier"}, vibe("dark", -1));
  add({"brighter", "more bright", "bright", "happier", "happy", "sunnier", "lighter", "uplifting"}, vibe("bright", 1));
  add({"more aggressive", "aggressive", "angrier", "heavier", "nastier", "rougher"}, vibe("aggressive", 0));
  add({"hypnotic", "more hypnotic", "trippy", "trippier", "deeper", "deep", "tribal"}, vibe("hypnotic", 0));
  add({"euphoric", "more euphoric", "anthemic", "hands up", "emotional", "epic"}, vibe("euphoric", 1));
  add({"chill", "chilled", "chiller", "more chill", "relaxed", "laid back", "laid-back", "mellow", "smooth", "dreamy"},
      vibe("chill", 0));

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
  add({"same tempo", "same bpm", "keep the tempo", "keep the bpm", "steady tempo", "same speed", "match the tempo"},
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
  add({"minor key", "in minor", "minor"}, key_rule(KeyRule::kMinor));
  add({"major key", "in major", "major"}, key_rule(KeyRule::kMajor));
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
    };
  };
  add({"build toward a peak", "build towards a peak", "build toward the peak", "build towards the peak", "build up",
       "building", "build", "build it", "start building"},
      narrative("build", Direction::kUp));
  add({"peak time", "peak-time", "peak", "peaktime", "main room", "banger", "bangers"}, narrative("peak", Direction::kNone));
  add({"warm-up", "warm up", "warmup", "opener", "opening", "early in the night", "start of the night"},
      narrative("warm-up", Direction::kNone));
  add({"closer", "closing", "closing track", "last track", "end of the night", "end the night", "finale"},
      narrative("closer", Direction::kNone));
  add({"wind down", "winding down", "wind it down", "come down", "comedown", "cool off", "after hours"},
      narrative("wind-down", Direction::kDown));

  add({"more of the same", "similar", "same vibe", "same feel", "like this one", "like this", "same kind"},
      [](Intent& in, bool neg) { in.similarity = neg ? Similarity::kDifferent : Similarity::kSame; });
  add({"something different", "different", "switch it up", "change it up", "surprise me", "mix it up", "contrast"},
      [](Intent& in, bool neg) { in.similarity = neg ? Similarity::kSame : Similarity::kDifferent; });

  for (const auto& m : vocab.moods) {
    const std::string mood = ascii_lower(m);
    r.push_back({split(mood), [mood](Intent& in, bool neg) { (neg ? in.avoid_moods : in.moods).push_back(mood); }});
  }
  // Longest phrases first, so "more energy" wins over "energy" and "deep house" over "deep".
  std::stable_sort(r.begin(), r.end(), [](const Rule& a, const Rule& b) { return a.phrase.size() > b.phrase.size(); });
  return r;
}

}  // namespace

Intent parse_intent(const std::string& text, const Vocabulary& vocab) {
  Intent in;
  in.prompt = to_valid_utf8(text);
  const Tokens t = tokenize(text);
  const std::vector<Rule> rules = build_rules(vocab);
  std::vector<bool> used(t.size(), false);
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
    // A key by name or Camelot/Open Key code: "8a", "a minor", "f#m", "c major".
    if (auto k = music::parse_key(t[i]); k && t[i].size() >= 2 && std::isdigit(static_cast<unsigned char>(t[i][0]))) {
      in.key_rule = KeyRule::kSpecific;
      in.key = *k;
      in.understood.push_back(t[i]);
      used[i] = true;
      ++i;
      continue;
    }
    if (i + 1 < t.size() && (t[i + 1] == "minor" || t[i + 1] == "major") && t[i].size() <= 2 && t[i] != "in") {
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
    if (!matched) ++i;
  }
  for (size_t i = 0; i < t.size(); ++i) {
    if (!used[i] && !stopwords().count(t[i]) && !negators().count(t[i])) in.unknown.push_back(t[i]);
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
                      {"understood", understood},
                      {"unknown", unknown}};
  return j;
}

}  // namespace codex::prompt
