#include "codex/prompt/lexicon.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include <wn.h>

namespace codex::prompt {
namespace {

using M = MoodClass;

// The word lists: DJ and everyday words for each move. Base forms; comparatives are derived.
const std::map<std::string, MoodClass>& word_list() {
  static const std::map<std::string, MoodClass> k = [] {
    std::map<std::string, MoodClass> m;
    auto add = [&](MoodClass c, std::initializer_list<const char*> words) {
      for (const char* w : words) m.emplace(w, c);
    };
    add(M::kEnergyUp, {"energetic", "hype", "hyped", "lit", "punchy", "pumping", "banging", "banger", "bangers", "rowdy",
                       "wild", "frantic", "hectic", "driving", "drive", "punch", "powerful", "explosive", "intense",
                       "louder", "hard", "hard-hitting", "livelier", "lively", "turnt", "ravey", "rave",
                       "stomping", "stompy", "pounding", "thumping", "relentless"});
    add(M::kEnergyDown, {"soft", "low-key", "lowkey", "subdued", "restrained", "understated"});
    add(M::kCalm, {"calm", "calming", "serene", "peaceful", "soothing", "tranquil", "gentle", "quiet", "relaxing",
                   "restful", "placid", "still", "hushed", "tender", "delicate", "sedate", "unhurried", "slow-burning",
                   "slowburn", "pastoral", "sleepy", "lullaby", "relaxed"});
    add(M::kSad, {"sad", "melancholy", "melancholic", "gloomy", "sombre", "somber", "wistful", "mournful", "forlorn",
                  "bittersweet", "heartbreak", "heartbroken", "heartbreaking", "tearjerker", "tearful", "tears", "cry",
                  "crying", "depressing", "depressed", "downbeat", "lonely", "sorrowful", "sorrow", "tragic", "bleak",
                  "blue", "introspective", "reflective", "pensive", "nostalgic", "longing", "yearning",
                  "emo", "miserable", "downer", "grief", "despair", "despairing", "anguish", "anguished", "aching", "desolate", "dejected", "morose", "glum", "weepy", "sadness",
                  "moody", "brooding"});
    add(M::kDark, {"dark", "sinister", "ominous", "grim", "murky", "shadowy", "eerie", "spooky", "haunting",
                   "haunted", "gritty", "gothic", "creepy", "noir", "dystopian", "twisted", "evil",
                   "nocturnal", "gloom", "doom", "bleaker", "moodiness"});
    add(M::kHappy, {"happy", "cheerful", "cheery", "joyful", "joyous", "jubilant", "sunny", "upbeat", "feel-good",
                    "feelgood", "playful", "fun", "funny", "bouncy", "optimistic", "positive", "elated", "blissful",
                    "gleeful", "carefree", "summery", "jolly", "merry", "glad", "bubbly", "smiley", "smile", "smiles",
                    "sunshine", "good-time", "goodtime", "delighted", "content", "hopeful", "warm", "lovely",
                    "sweet", "cute", "silly", "cheer", "joy", "happiness", "party"});
    add(M::kBright, {"bright", "light", "sparkly", "shiny", "colourful", "colorful", "glossy", "radiant",
                     "vibrant", "shimmering", "luminous"});
    add(M::kChill, {"airy", "cosy", "cozy", "beach", "beachy", "poolside"});
    add(M::kAggressive, {"aggressive", "angry", "nasty", "rage", "raging", "brutal", "savage", "menacing", "vicious",
                         "fierce", "feisty", "aggro", "filthy", "heavy", "ruthless", "violent", "furious", "rough",
                         "gnarly", "hostile", "mean", "meaner", "grimy", "dirty", "punishing",
                         "abrasive", "harsh", "distorted", "shouty", "confrontational", "ferocious", "wrath",
                         "raw", "venomous", "snarling", "anger", "rude", "moshy", "mosh", "headbang", "headbanging"});
    add(M::kChill, {"chill", "chilled", "chillout", "chill-out", "dreamy", "laid-back", "laidback",
                    "mellow", "floaty", "floating", "lounge", "lounge-y", "loungey", "loungy", "ethereal", "hazy",
                    "balearic", "breezy", "smooth", "vibey", "easy", "easygoing", "easy-going",                     "lazy", "sunset", "sundowner", "lofi", "lo-fi", "wavy", "drifting", "dreamlike", "atmospheric",
                    "soft-focus", "woozy", "gauzy", "mellowed", "chillier", "cruisy", "cruising"});
    add(M::kHypnotic, {"hypnotic", "deep", "trancey", "trancy", "trance-like", "trancelike", "mesmerising", "mesmerizing",
                       "trippy", "looping", "loopy", "repetitive", "rolling", "tribal", "meditative", "spacey", "spacy",
                       "psychedelic", "entrancing", "hypnotising", "hypnotizing", "heads-down", "minimalist",
                       "circular", "droning", "dubby", "immersive", "mesmeric", "zoned", "locked-in",                        "subterranean", "cavernous", "headsy", "headsdown", "underground", "warehouse"});
    add(M::kEuphoric, {"euphoric", "uplifting", "anthemic", "soaring", "rapturous", "epic", "hands-up", "triumphant",
                       "ecstatic", "euphoria", "anthem", "anthems", "huge", "emotional", "goosebumps",
                       "spine-tingling", "celestial", "heavenly", "transcendent", "exhilarating", "glorious", "majestic",
                       "festival", "singalong", "sing-along", "lift-off", "big-room", "bigroom", "cathartic", "celebratory", "celebration"});
    return m;
  }();
  return k;
}

// The anchors WordNet may land on: words whose everyday sense is unambiguous (not "heavy", "deep",
// "light", "hard", "blue", "fun": WordNet's many senses of those would carry too much along).
const std::map<std::string, MoodClass>& anchors() {
  static const std::map<std::string, MoodClass> k = {
      {"calm", M::kCalm},          {"serene", M::kCalm},       {"peaceful", M::kCalm},     {"tranquil", M::kCalm},
      {"quiet", M::kCalm},         {"placid", M::kCalm},       {"restful", M::kCalm},      {"soothing", M::kCalm},
      {"relaxed", M::kCalm},       {"gentle", M::kCalm},       {"sad", M::kSad},           {"melancholy", M::kSad},
      {"gloomy", M::kSad},         {"sorrowful", M::kSad},     {"mournful", M::kSad},      {"depressing", M::kSad},
      {"depressed", M::kSad},      {"unhappy", M::kSad},       {"tragic", M::kSad},        {"wistful", M::kSad},
      {"doleful", M::kSad},        {"lugubrious", M::kSad},    {"dejected", M::kSad},      {"sorrow", M::kSad},
      {"sadness", M::kSad},        {"happy", M::kHappy},       {"cheerful", M::kHappy},    {"joyful", M::kHappy},
      {"joyous", M::kHappy},       {"jubilant", M::kHappy},    {"elated", M::kHappy},      {"glad", M::kHappy},
      {"merry", M::kHappy},        {"optimistic", M::kHappy},  {"happiness", M::kHappy},   {"joy", M::kHappy},
      {"gay", M::kHappy},          {"blithe", M::kHappy},      {"angry", M::kAggressive},  {"aggressive", M::kAggressive},
      {"furious", M::kAggressive}, {"violent", M::kAggressive}, {"fierce", M::kAggressive}, {"hostile", M::kAggressive},
      {"savage", M::kAggressive},  {"anger", M::kAggressive},  {"threatening", M::kAggressive},
      {"menacing", M::kAggressive}, {"ominous", M::kDark},     {"sinister", M::kDark},     {"dark", M::kDark},
      {"eerie", M::kDark},         {"euphoric", M::kEuphoric}, {"ecstatic", M::kEuphoric}, {"euphoria", M::kEuphoric},
      {"rapturous", M::kEuphoric}, {"exultant", M::kEuphoric}, {"triumphant", M::kEuphoric}, {"inspiring", M::kEuphoric},
      {"uplifting", M::kEuphoric}, {"hypnotic", M::kHypnotic}, {"mesmerizing", M::kHypnotic}, {"spellbinding", M::kHypnotic},
      {"dreamy", M::kChill},       {"dreamlike", M::kChill},   {"mellow", M::kChill},      {"relaxing", M::kCalm},
      {"energetic", M::kEnergyUp}, {"lively", M::kEnergyUp},   {"vigorous", M::kEnergyUp}, {"dynamic", M::kEnergyUp},
      {"exciting", M::kEnergyUp},  {"spirited", M::kEnergyUp}, {"excited", M::kEnergyUp}};
  return k;
}

// Comparatives and superlatives of a base form ("sad" -> "sadder", "saddest"; "happy" -> "happier").
std::vector<std::string> inflections(const std::string& w) {
  if (w.size() < 3 || w.find('-') != std::string::npos) return {};
  const auto vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; };
  const size_t n = w.size();
  if (w[n - 1] == 'y' && !vowel(w[n - 2])) return {w.substr(0, n - 1) + "ier", w.substr(0, n - 1) + "iest"};
  if (w[n - 1] == 'e') return {w + "r", w + "st"};
  if (n <= 4 && !vowel(w[n - 1]) && vowel(w[n - 2]) && !vowel(w[n - 3]) && w[n - 1] != 'w' && w[n - 1] != 'y') {
    return {w + w[n - 1] + "er", w + w[n - 1] + "est"};
  }
  return {w + "er", w + "est"};
}

// Base forms by rule: comparatives, superlatives, adverbs in -ly, plurals, British -ise.
std::vector<std::string> base_forms(const std::string& t) {
  std::vector<std::string> out;
  auto strip = [&](const std::string& suffix) {
    return t.size() > suffix.size() + 2 && t.compare(t.size() - suffix.size(), suffix.size(), suffix) == 0
               ? t.substr(0, t.size() - suffix.size())
               : std::string();
  };
  for (const char* suffix : {"ier", "iest", "ily"}) {
    if (auto s = strip(suffix); !s.empty()) out.push_back(s + "y");
  }
  for (const char* suffix : {"er", "est", "ly", "s", "ness", "r"}) {
    if (auto s = strip(suffix); !s.empty()) {
      out.push_back(s);
      if (s.size() >= 2 && s[s.size() - 1] == s[s.size() - 2]) out.push_back(s.substr(0, s.size() - 1));  // sadder
      out.push_back(s + "e");  // safer -> safe
    }
  }
  if (t.size() > 4 && t.compare(t.size() - 3, 3, "ler") == 0) out.push_back(t.substr(0, t.size() - 1));  // gentler -> gentle
  for (const char* pair : {"ising>izing", "ise>ize"}) {
    const std::string p(pair);
    const std::string from = p.substr(0, p.find('>')), to = p.substr(p.find('>') + 1);
    if (auto s = strip(from); !s.empty()) out.push_back(s + to);
  }
  return out;
}

// ---- WordNet (one process-wide database; the C library keeps global state, so one caller at a time) ----

std::mutex& wordnet_mutex() {
  static std::mutex m;
  return m;
}

bool wordnet_open_locked() {
  static const bool ok = wninit() == 0;
  return ok;
}

std::string wn_word(const char* w) {
  std::string s(w ? w : "");
  std::replace(s.begin(), s.end(), '_', '-');
  // WordNet keeps the adjective marker "(a)", "(p)" on some words.
  if (auto p = s.find('('); p != std::string::npos) s.resize(p);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// WordNet's C library keeps words in fixed buffers: only short words of plain letters go to it.
bool wordnet_safe(const std::string& token) {
  if (token.empty() || token.size() > 40) return false;
  for (unsigned char c : token) {
    if (!((c >= 'a' && c <= 'z') || c == '-' || c == '\'')) return false;
  }
  return true;
}

std::optional<WordReading> wordnet_reading(const std::string& token) {
  if (!wordnet_safe(token)) return std::nullopt;
  std::lock_guard<std::mutex> lock(wordnet_mutex());
  if (!wordnet_open_locked()) return std::nullopt;
  const auto& anchor = anchors();
  const auto& list = word_list();
  std::vector<char> buf(token.begin(), token.end());
  buf.push_back('\0');
  for (int pos : {ADJ, NOUN, VERB, ADV}) {
    // The forms WordNet knows the token by: itself and its morphological bases.
    std::vector<std::string> forms = {token};
    for (char* b = morphstr(buf.data(), pos); b; b = morphstr(nullptr, pos)) forms.push_back(wn_word(b));
    for (const std::string& form : forms) {
      if (form != token) {
        if (auto it = list.find(form); it != list.end()) return WordReading{token, it->second, "word form of " + form};
      }
      std::vector<char> f(form.begin(), form.end());
      f.push_back('\0');
      // WordNet keeps hyphens ("laid-back") and writes spaces as '_': as typed first, then with '_'.
      IndexPtr idx = index_lookup(f.data(), pos);
      if (!idx && form.find('-') != std::string::npos) {
        std::replace(f.begin(), f.end(), '-', '_');
        idx = index_lookup(f.data(), pos);
      }
      if (!idx) continue;
      const int senses = std::min(idx->off_cnt, 3);
      std::optional<WordReading> found;
      for (int s = 0; s < senses && !found; ++s) {
        SynsetPtr ss = read_synset(pos, static_cast<long>(idx->offset[s]), f.data());
        if (!ss) continue;
        for (int w = 0; w < ss->wcount && !found; ++w) {
          const std::string syn = wn_word(ss->words[w]);
          if (syn == form) continue;
          if (auto it = anchor.find(syn); it != anchor.end()) {
            found = WordReading{token, it->second, "WordNet: " + token + " = " + syn};
          }
        }
        for (int p = 0; p < ss->ptrcount && !found; ++p) {
          const int type = ss->ptrtyp[p];
          if (type != SIMPTR && type != SEEALSOPTR && type != DERIVATION && type != PERTPTR && type != ATTRIBUTE) continue;
          SynsetPtr to = read_synset(ss->ppos[p], ss->ptroff[p], const_cast<char*>(""));
          if (!to) continue;
          for (int w = 0; w < to->wcount && !found; ++w) {
            const std::string rel = wn_word(to->words[w]);
            if (auto it = anchor.find(rel); it != anchor.end()) {
              found = WordReading{token, it->second, "WordNet: " + token + " ~ " + rel};
            }
          }
          free_synset(to);
        }
        free_synset(ss);
      }
      free_index(idx);
      if (found) return found;
    }
  }
  return std::nullopt;
}

int edit_distance(const std::string& a, const std::string& b, int cap) {
  const size_t n = a.size(), m = b.size();
  if (static_cast<int>(n > m ? n - m : m - n) > cap) return cap + 1;
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

}  // namespace

const char* mood_class_name(MoodClass c) {
  switch (c) {
    case M::kEnergyUp: return "energy";
    case M::kEnergyDown: return "calm";
    case M::kCalm: return "calm";
    case M::kSad: return "sad";
    case M::kDark: return "dark";
    case M::kHappy: return "happy";
    case M::kBright: return "bright";
    case M::kAggressive: return "aggressive";
    case M::kChill: return "chill";
    case M::kHypnotic: return "hypnotic";
    case M::kEuphoric: return "euphoric";
  }
  return "?";
}

const std::set<std::string>& mood_words() {
  static const std::set<std::string> k = [] {
    std::set<std::string> s;
    for (const auto& [w, c] : word_list()) {
      s.insert(w);
      for (auto& f : inflections(w)) s.insert(f);
    }
    return s;
  }();
  return k;
}

std::optional<WordReading> read_mood_word(const std::string& token, bool use_wordnet) {
  const auto& list = word_list();
  if (auto it = list.find(token); it != list.end()) return WordReading{token, it->second, "word list"};
  for (const std::string& b : base_forms(token)) {
    if (b == token) continue;
    if (auto it = list.find(b); it != list.end() ) {
      // Only a form the word list's word really takes ("sadder", not "sader").
      const auto forms = inflections(b);
      static const std::set<std::string> not_forms = {"hardly", "barely", "lately", "shortly", "highly", "lightly"};
      if (not_forms.count(token)) continue;
      const bool real = std::find(forms.begin(), forms.end(), token) != forms.end() || token == b + "ly" ||
                        token == b + "s" || token == b + "ness" || token == b + "ily";
      if (real || token.size() >= 6) return WordReading{token, it->second, "word form of " + b};
    }
  }
  if (use_wordnet && token.size() >= 3) return wordnet_reading(token);
  return std::nullopt;
}

std::optional<std::string> correct_spelling(const std::string& token, const std::set<std::string>& dictionary) {
  if (token.size() < 4) return std::nullopt;
  const int cap = token.size() >= 7 ? 2 : 1;
  std::optional<std::string> best;
  int best_d = cap + 1;
  bool tie = false;
  for (const std::string& w : dictionary) {
    if (w.size() < 3) continue;
    const int d = edit_distance(token, w, cap);
    if (d == 0) return std::nullopt;  // a known word is no slip
    if (d < best_d) best_d = d, best = w, tie = false;
    else if (d == best_d && best && *best != w) tie = true;
  }
  if (!best) return std::nullopt;
  if (tie) {
    // Several words at the same distance: the mood words among them, when they are forms of one
    // mood ("darkr": dark, darker; "relaxd": relaxed rather than relax).
    std::optional<MoodClass> c;
    std::string longest;
    for (const std::string& w : dictionary) {
      if (w.size() < 3 || edit_distance(token, w, cap) != best_d) continue;
      const auto r = read_mood_word(w, false);
      if (!r) continue;
      if (c && *c != r->mood) return std::nullopt;
      c = r->mood;
      if (w.size() > longest.size()) longest = w;
    }
    if (!longest.empty()) return longest;
    // Else the one word the token is that word with a letter dropped ("brng": bring, not bang).
    std::optional<std::string> dropped;
    for (const std::string& w : dictionary) {
      if (w.size() != token.size() + 1 || edit_distance(token, w, cap) != best_d) continue;
      size_t k = 0;
      for (char ch : w) k += k < token.size() && token[k] == ch;
      if (k != token.size()) continue;
      if (dropped) return std::nullopt;
      dropped = w;
    }
    return dropped;
  }
  return best;
}

double strength_of(const std::string& t) {
  static const std::set<std::string> small = {"touch", "slightly", "bit", "little", "tad", "smidge", "notch",
                                              "somewhat", "mildly", "marginally", "fraction", "hint", "tiny", "gently",
                                              "subtly", "lil", "abit", "lightly"};
  static const std::set<std::string> large = {"way", "massively", "lot", "lots", "loads", "heaps", "hugely",
                                              "seriously", "totally", "completely", "much", "far", "tons", "super",
                                              "mega", "proper", "wayyy", "wayy", "majorly", "extremely", "really", "significantly", "considerably",
                                              "massive", "heavily", "seriously", "substantially", "tonnes",
                                              "very", "hella", "alot", "drastically", "dramatically", "big", "full"};
  if (small.count(t)) return 0.5;
  if (large.count(t)) return 2.0;
  return 0.0;
}

bool wordnet_knows(const std::string& token) {
  if (!wordnet_safe(token)) return false;
  std::lock_guard<std::mutex> lock(wordnet_mutex());
  if (!wordnet_open_locked()) return false;
  std::vector<char> buf(token.begin(), token.end());
  buf.push_back('\0');
  std::vector<char> underscored = buf;
  std::replace(underscored.begin(), underscored.end(), '-', '_');
  for (int pos : {NOUN, VERB, ADJ, ADV}) {
    for (std::vector<char>* b : {&buf, &underscored}) {
      if (IndexPtr idx = index_lookup(b->data(), pos)) {
        free_index(idx);
        return true;
      }
    }
    // A base form counts only when WordNet has it (morphstr may return a guess for phrases).
    if (token.find('-') == std::string::npos) {
      if (char* base = morphstr(buf.data(), pos)) {
        if (IndexPtr idx = index_lookup(base, pos)) {
          free_index(idx);
          return true;
        }
      }
    }
  }
  return false;
}

bool wordnet_available() {
  std::lock_guard<std::mutex> lock(wordnet_mutex());
  return wordnet_open_locked();
}

}  // namespace codex::prompt
