#include "codex/library/browse.h"

#include <algorithm>
#include <cmath>

#include "codex/analysis/results.h"
#include "codex/core/text.h"
#include "codex/library/catalog.h"
#include "codex/library/records.h"
#include "codex/semantic/structure.h"

namespace codex::library {
namespace {

// Whether `word` (lower case) occurs in `text`, ignoring ASCII case, without copying.
bool contains_lower(std::string_view text, std::string_view word) {
  if (word.size() > text.size()) return false;
  for (size_t i = 0; i + word.size() <= text.size(); ++i) {
    size_t k = 0;
    while (k < word.size()) {
      char c = text[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != word[k]) break;
      ++k;
    }
    if (k == word.size()) return true;
  }
  return false;
}

int compare_lower(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    auto lower = [](char c) { return static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
    const unsigned char x = lower(a[i]), y = lower(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::string w;
  for (char c : ascii_lower(text) + " ") {
    if (c == ' ' || c == '\t') {
      if (!w.empty()) out.push_back(std::move(w));
      w.clear();
    } else {
      w += c;
    }
  }
  return out;
}

nlohmann::json opt_number(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

}  // namespace

Result<TrackPage> query_tracks(const Snapshot& s, const TrackQuery& q) {
  std::array<bool, 24> key_ok{};
  const bool by_key = !q.key.empty();
  if (by_key) {
    auto k = music::parse_key(q.key);
    if (!k) return Status::Error("'" + to_valid_utf8(q.key) + "' is not a key");
    for (int t = 0; t < 12; ++t) {
      for (int m = 0; m < 2; ++m) {
        const music::Key other{t, m == 1};
        key_ok[static_cast<size_t>(t * 2 + m)] =
            q.compatible_keys ? music::camelot_compatibility(*k, other) >= 0.6 : other == *k;
      }
    }
  }
  static const std::vector<std::string> kSorts = {"artist", "title", "bpm", "key", "energy", "genre", "duration"};
  if (std::find(kSorts.begin(), kSorts.end(), q.sort) == kSorts.end()) {
    return Status::Error("cannot sort by '" + to_valid_utf8(q.sort) + "'");
  }
  const std::string genre = ascii_lower(q.genre), vibe = ascii_lower(q.vibe);
  if (!vibe.empty() && !schema::Vibe::parse(vibe)) return Status::Error("'" + to_valid_utf8(q.vibe) + "' is not a vibe");
  const std::vector<std::string> words = words_of(q.text);
  TrackPage page;
  std::vector<size_t> hits;
  const auto& packed = s.packed();
  for (size_t i = 0; i < s.size(); ++i) {
    if (by_key && (packed.key[i] < 0 || !key_ok[static_cast<size_t>(packed.key[i])])) continue;
    const double bpm = packed.bpm[i];
    if ((q.bpm_min || q.bpm_max) && !std::isfinite(bpm)) continue;
    if ((q.bpm_min && bpm < *q.bpm_min) || (q.bpm_max && bpm > *q.bpm_max)) continue;
    if (q.energy_min || q.energy_max) {
      const auto e = s.energy(i);
      if (!e || (q.energy_min && *e < *q.energy_min) || (q.energy_max && *e > *q.energy_max)) continue;
    }
    if (!genre.empty() && s.field(i, SnapField::kGenre) != genre) continue;
    if (!vibe.empty() && s.field(i, SnapField::kVibe) != vibe) continue;
    bool all = true;
    for (const auto& w : words) {
      if (!contains_lower(s.field(i, SnapField::kTitle), w) && !contains_lower(s.field(i, SnapField::kArtist), w) &&
          !contains_lower(s.field(i, SnapField::kGenre), w)) {
        all = false;
        break;
      }
    }
    if (all) hits.push_back(i);
  }
  page.total = hits.size();
  // Unknown values sort last either way.
  auto number_of = [&](size_t i) -> double {
    if (q.sort == "bpm") return packed.bpm[i];
    if (q.sort == "energy") return s.energy(i).value_or(NAN);
    if (q.sort == "duration") return s.duration(i).value_or(NAN);
    if (q.sort == "key") return packed.key[i] < 0 ? NAN : (s.key(i)->camelot_number() * 2 + (packed.key[i] % 2 ? 0 : 1));
    return NAN;
  };
  const bool numeric = q.sort == "bpm" || q.sort == "energy" || q.sort == "duration" || q.sort == "key";
  // Ties (and the text sorts) by the snapshot's artist and title order, then position.
  auto tie = [&](size_t a, size_t b) { return s.artist_rank(a) < s.artist_rank(b); };
  auto before = [&](size_t a, size_t b) {
    if (numeric) {
      const double x = number_of(a), y = number_of(b);
      const bool xn = std::isnan(x), yn = std::isnan(y);
      if (xn != yn) return yn;
      if (!xn && x != y) return q.descending ? x > y : x < y;
      return tie(a, b);
    }
    if (q.sort == "genre") {
      const int c = compare_lower(s.field(a, SnapField::kGenre), s.field(b, SnapField::kGenre));
      if (c != 0) return q.descending ? c > 0 : c < 0;
      return tie(a, b);
    }
    const uint32_t x = q.sort == "title" ? s.title_rank(a) : s.artist_rank(a);
    const uint32_t y = q.sort == "title" ? s.title_rank(b) : s.artist_rank(b);
    return q.descending ? x > y : x < y;
  };
  const size_t from = std::min(q.offset, hits.size());
  const size_t to = std::min(hits.size(), from + std::min<size_t>(q.limit, 1000));
  // Only the rows of the page need their order.
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(to), hits.end(), before);
  page.items.assign(hits.begin() + static_cast<std::ptrdiff_t>(from), hits.begin() + static_cast<std::ptrdiff_t>(to));
  return page;
}

nlohmann::json track_row(const Snapshot& s, size_t i) {
  const auto key = s.key(i);
  auto text = [&](SnapField f) { return to_valid_utf8(s.field(i, f)); };
  auto optional_text = [&](SnapField f) {
    const auto v = s.field(i, f);
    return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(to_valid_utf8(v));
  };
  return {{"track_id", text(SnapField::kTrackId)},
          {"title", text(SnapField::kTitle)},
          {"artist", text(SnapField::kArtist)},
          {"genre", text(SnapField::kGenre)},
          {"bpm", opt_number(s.bpm(i))},
          {"key", key ? nlohmann::json(key->camelot()) : nlohmann::json(nullptr)},
          {"energy", opt_number(s.energy(i))},
          {"vibe", optional_text(SnapField::kVibe)},
          {"intensity", optional_text(SnapField::kIntensity)},
          {"duration_s", opt_number(s.duration(i))},
          {"valence", opt_number(s.valence(i))},
          {"arousal", opt_number(s.arousal(i))},
          {"moods", s.moods(i)}};
}

Result<nlohmann::json> track_view(corpus::Corpus& corpus, const Snapshot& s, size_t i, size_t overview_points) {
  const std::string id(s.field(i, SnapField::kTrackId));
  nlohmann::json out = {{"track", track_row(s, i)}};
  // The record: imported (which wins, as in every record list), or built from the analyses.
  auto imported = corpus.records().imported(id);
  if (!imported) return imported.status();
  auto row = corpus.tracks().row(id);
  if (!row) return row.status();
  TrackDetail detail;
  if (row->has_value()) {
    auto d = library::find_track(corpus, id);
    if (!d) return d.status();
    detail = std::move(d).value();
  }
  out["locations"] = detail.locations;
  out["audio"] = !detail.locations.empty();
  if (imported->has_value()) {
    out["record"] = std::move(**imported);
  } else if (row->has_value()) {
    auto r = build_record(corpus, id);
    if (!r) return r.status();
    out["record"] = schema::to_json(*r);
  } else {
    return Status::Error("track " + id + " is no longer in the corpus");
  }
  // Beats, downbeats, structure and the loudness envelope from the analyses, when analysed.
  const analysis::Results r = analysis::read_results(detail.analyses);
  out["beats"] = r.beats;
  out["downbeats"] = r.downbeats;
  nlohmann::json sections = nlohmann::json::array(), overview = nullptr;
  if (!r.envelope_db.empty()) {
    const std::vector<double>& env = r.envelope_db;
    const double hop = r.envelope_hop_s;
    for (const auto& sec : semantic::find_structure(env, hop, r.bpm, r.first_beat_s).sections) {
      sections.push_back({{"name", sec.name.str()}, {"start_s", sec.start_s}, {"end_s", sec.end_s}});
    }
    // At most `overview_points` values: the loudest of each span, so peaks stay visible.
    const size_t step = std::max<size_t>(1, (env.size() + overview_points - 1) / std::max<size_t>(1, overview_points));
    std::vector<double> db;
    for (size_t k = 0; k < env.size(); k += step) {
      double m = -120.0;
      for (size_t j = k; j < std::min(env.size(), k + step); ++j) m = std::max(m, env[j]);
      db.push_back(std::round(m * 10.0) / 10.0);
    }
    overview = {{"hop_s", hop * static_cast<double>(step)}, {"db", db}};
  }
  out["sections"] = sections;
  out["overview"] = overview;
  return out;
}

}  // namespace codex::library
