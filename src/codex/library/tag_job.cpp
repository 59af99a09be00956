#include "codex/library/tag_job.h"

#include <cmath>

#include "codex/audio/decoder.h"
#include "codex/library/analyze_job.h"
#include "codex/library/records.h"
#include "codex/music/key.h"

namespace codex::library {

namespace {

constexpr const char* kMark = "(CODEX)";

std::string key_in(const std::string& notation, const music::Key& k) {
  if (notation == "open-key") return k.open_key();
  if (notation == "musical") {
    static const char* const names[12] = {"C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"};
    return std::string(names[k.tonic]) + (k.minor ? "m" : "");
  }
  return k.camelot();
}

}  // namespace

std::string codex_comment(const std::string& camelot, std::optional<int64_t> energy, const std::string& old_comment) {
  std::string ours = camelot;
  if (energy) ours += std::string(ours.empty() ? "" : " - ") + "Energy " + std::to_string(*energy);
  if (ours.empty()) return old_comment;
  ours += std::string(" ") + kMark;
  std::string rest = old_comment;
  if (const size_t at = rest.find(kMark); at != std::string::npos) rest.erase(0, at + std::char_traits<char>::length(kMark));
  while (!rest.empty() && (rest[0] == ' ' || rest[0] == '|')) rest.erase(0, 1);
  return rest.empty() ? ours : ours + " | " + rest;
}

Result<std::vector<TagItem>> tag_tracks(corpus::Corpus& corpus, const std::vector<std::string>& tracks, const TagOptions& options) {
  if (options.key_notation != "camelot" && options.key_notation != "musical" && options.key_notation != "open-key") {
    return Status::Error("unknown key notation \"" + options.key_notation + "\" (camelot, musical or open-key)");
  }
  std::vector<std::pair<std::string, std::string>> todo;  // id, path
  auto files = corpus.tracks().with_files();
  if (!files) return files.status();
  if (tracks.empty()) {
    todo = *files;
  } else {
    std::map<std::string, std::string> path_of(files->begin(), files->end());
    for (const auto& q : tracks) {
      auto ids = corpus.tracks().resolve(q);
      if (!ids) return ids.status();
      if (ids->empty()) return Status::Error("no analysed track matches \"" + q + "\"");
      if (ids->size() > 1) return Status::Error("\"" + q + "\" matches " + std::to_string(ids->size()) + " tracks; give more of the id");
      const std::string& id = (*ids)[0];
      // A path names that file; an id names the track's first file.
      auto locs = corpus.tracks().locations(id);
      if (!locs) return locs.status();
      const bool is_path = std::find(locs->begin(), locs->end(), q) != locs->end();
      if (is_path) todo.emplace_back(id, q);
      else if (path_of.count(id)) todo.emplace_back(id, path_of[id]);
      else return Status::Error("track " + id + " has no file to tag");
    }
  }
  std::vector<TagItem> out;
  for (const auto& [id, path] : todo) {
    TagItem item;
    item.track_id = id;
    item.path = path;
    auto rec = build_record(corpus, id);
    auto now = interop::read_dj_tags(path);
    if (!rec) {
      item.error = rec.status().message();
    } else if (!now) {
      item.error = now.status().message();
    } else {
      interop::TagValues want;
      if (rec->key) want["key"] = key_in(options.key_notation, *rec->key);
      if (rec->bpm) want["bpm"] = std::to_string(static_cast<long>(std::lround(*rec->bpm)));  // ID3's TBPM is a whole number
      if (rec->energy) want["energy"] = std::to_string(*rec->energy);
      want["comment"] = codex_comment(rec->key ? rec->key->camelot() : "", rec->energy.opt(), (*now)["comment"]);
      for (const auto& [field, value] : want) {
        if ((*now)[field] != value) {
          item.before[field] = (*now)[field];
          item.after[field] = value;
        }
      }
    }
    if (options.write && item.error.empty() && !item.after.empty()) {
      // The file must still be the track analysed, and the tagged copy must keep its audio.
      auto current = audio::compute_track_id(path);
      if (!current) {
        item.error = current.status().message();
      } else if (*current != id) {
        item.error = "its audio changed since it was analysed (run codex analyze first)";
      } else {
        Status s = interop::write_dj_tags(path, item.after, [&](const std::string& copy) -> Status {
          auto tagged = audio::compute_track_id(copy);
          if (!tagged) return tagged.status();
          if (*tagged != id) return Status::Error("tagging would change the audio; the file was left as it was");
          return Status::Ok();
        });
        if (s) {
          item.written = true;
          if (auto stamp = stamp_file(path)) (void)corpus.tracks().add_location(id, *stamp);  // its new size and time
        } else {
          item.error = s.message();
        }
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace codex::library
