// What DJ programs know of the library, as imported (the library turns their files into these rows
// and matches their paths to tracks), and transitions: which track followed which, from every
// history the corpus hears of. Stores what it is given.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codex/core/status.h"
#include "codex/corpus/connection.h"

namespace codex::corpus {

struct DjTrackRow {
  std::string source, path, location, app_id;  // source: the program
  std::optional<std::string> track_id;
  std::string title, artist, album, genre, comment;
  std::optional<double> bpm, duration_s;
  std::string key_text, key;
  std::string grid = "[]", cues = "[]";  // JSON arrays
  std::optional<int64_t> rating, color;
  int64_t play_count = 0;
};

struct DjEntryRow {
  std::string path;
  std::optional<std::string> track_id;
  std::string played_at;
};

struct DjListRow {
  int64_t list_id = 0;
  std::string source, kind, folder, name, date;  // source: the program
  std::vector<DjEntryRow> entries;  // filled by lists(true)
};

struct Transition {
  std::string from, to, at, source, set;
};

class DjStore {
 public:
  explicit DjStore(Connection& c) : c_(c) {}

  // Replaces everything held from the import `origin` (the file or folder read; its tracks, lists
  // and their transitions) in one transaction: importing it again updates, never duplicates, and
  // other imports of the same program stay. `source` is the program.
  Status replace_import(const std::string& origin, const std::string& source, const std::vector<DjTrackRow>& tracks,
                        const std::vector<DjListRow>& lists);
  // Sets the corpus track of each path of every source (path -> track id), and rebuilds the
  // transitions of imported histories from their entries that now name tracks.
  Status set_matches(const std::map<std::string, std::string>& track_of_path);
  Result<std::vector<DjTrackRow>> tracks(const std::string& source = "");  // "" = all, by source and path
  Result<std::vector<DjTrackRow>> tracks_of(const std::string& track_id);
  Result<std::vector<DjListRow>> lists(bool with_entries = false);
  // The track ids of the lists called `name` (any source or kind; "Folder / Name" or the name alone).
  Result<std::vector<std::string>> members(const std::string& name);
  // Paths listed by imported programs that no corpus track has been matched to.
  Result<std::vector<std::string>> unmatched_paths();

  Status add_transition(const Transition& t);
  Result<std::vector<Transition>> transitions_from(const std::string& track_id);
  Result<int64_t> transition_count();
  // Every transition as (from, to), each pair once.
  Result<std::vector<std::pair<std::string, std::string>>> all_transition_pairs();
  // The analysed members of each playlist and crate of at most `max_size` entries (histories are
  // transitions, not co-membership).
  Result<std::vector<std::vector<std::string>>> co_members(size_t max_size);
  // When each track was last played (the latest transition into or out of it), track id -> time.
  Result<std::map<std::string, std::string>> last_played();

 private:
  Connection& c_;
};

}  // namespace codex::corpus
