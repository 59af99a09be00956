#include "codex/corpus/schema.h"

namespace codex::corpus {

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> kMigrations = {
      // 1: tracks, where they live, their tags, per-analyzer results, and files that failed.
      R"sql(
CREATE TABLE tracks (
  track_id     TEXT PRIMARY KEY,          -- hash of the audio stream's packets
  title        TEXT NOT NULL DEFAULT '',
  artist       TEXT NOT NULL DEFAULT '',
  album        TEXT NOT NULL DEFAULT '',
  genre        TEXT NOT NULL DEFAULT '',
  tag_bpm      REAL,
  tag_key      TEXT,
  duration_s   REAL NOT NULL,
  container    TEXT NOT NULL,
  codec        TEXT NOT NULL,
  sample_rate  INTEGER NOT NULL,
  channels     INTEGER NOT NULL,
  bit_rate     INTEGER NOT NULL DEFAULT 0,
  flags        TEXT NOT NULL DEFAULT '',    -- comma-separated: short, silent, truncated
  added_at     TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE TABLE locations (
  path         TEXT PRIMARY KEY,
  track_id     TEXT NOT NULL REFERENCES tracks(track_id) ON DELETE CASCADE,
  size         INTEGER NOT NULL,
  mtime_ns     INTEGER NOT NULL,
  seen_at      TEXT NOT NULL
);
CREATE INDEX locations_track ON locations(track_id);
CREATE TABLE tags (
  track_id     TEXT NOT NULL REFERENCES tracks(track_id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  value        TEXT NOT NULL,
  PRIMARY KEY (track_id, name)
);
CREATE TABLE analyses (
  track_id     TEXT NOT NULL REFERENCES tracks(track_id) ON DELETE CASCADE,
  analyzer     TEXT NOT NULL,
  version      INTEGER NOT NULL,
  params_hash  TEXT NOT NULL,
  confidence   REAL NOT NULL,
  result       TEXT NOT NULL,             -- JSON object
  created_at   TEXT NOT NULL,
  PRIMARY KEY (track_id, analyzer)
);
CREATE TABLE failures (
  path         TEXT PRIMARY KEY,
  error        TEXT NOT NULL,
  at           TEXT NOT NULL
);
)sql",
      // 2: CODEX-schema records (imported, or filled later from analysis or an LLM), with the
      // provenance of every field. Not tied to `tracks`: an imported corpus may have no audio.
      R"sql(
CREATE TABLE records (
  track_id     TEXT PRIMARY KEY,
  record       TEXT NOT NULL,             -- JSON object: schema fields plus any extra fields
  provenance   TEXT NOT NULL,             -- JSON object: field -> local | llm:<model> | user | import
  updated_at   TEXT NOT NULL
);
)sql",
      // 3: play history per named session, so a set does not get the same track twice.
      R"sql(
CREATE TABLE history (
  session      TEXT NOT NULL,
  track_id     TEXT NOT NULL,
  played_at    TEXT NOT NULL
);
CREATE INDEX history_session ON history(session);
)sql",
      // 4: LLM replies, cached by track, model and prompt version (never re-sent unless asked),
      // with the raw reply, the repaired record, what was repaired or dropped, and the tokens.
      R"sql(
CREATE TABLE llm_replies (
  track_id       TEXT NOT NULL,
  model          TEXT NOT NULL,
  prompt_version TEXT NOT NULL,
  ok             INTEGER NOT NULL,          -- 1 = usable record, 0 = failed (retried next run)
  raw_reply      TEXT NOT NULL,
  record         TEXT NOT NULL,             -- JSON object (repaired), or {} on failure
  notes          TEXT NOT NULL,             -- JSON: {"warnings": [...], "errors": [...]}
  prompt_tokens  INTEGER NOT NULL DEFAULT 0,
  output_tokens  INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (track_id, model, prompt_version)
);
)sql",
      // 5: the CODEX record built from a track's analyses (local fill + LLM fields), cached so
      // export and recommend need not re-read every analysis; `stamp` hashes what it was built
      // from (fill version, track row, first location, analyses, usable LLM replies).
      R"sql(
CREATE TABLE local_records (
  track_id     TEXT PRIMARY KEY REFERENCES tracks(track_id) ON DELETE CASCADE,
  stamp        TEXT NOT NULL,
  record       BLOB NOT NULL,             -- CBOR (RFC 8949) of the JSON record: quicker to read back
  meta         BLOB NOT NULL              -- CBOR: its provenance and field_confidence
);
)sql",
      // 6: what a derived file (the library snapshot) checks that it was made from: a random id
      // for this corpus file and a counter that every write to what records are built from bumps
      // (not the record cache, history or failures); and the booth's accept/skip feedback.
      R"sql(
CREATE TABLE corpus_state (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  corpus_uid   TEXT NOT NULL,
  generation   INTEGER NOT NULL
);
INSERT INTO corpus_state VALUES (1, lower(hex(randomblob(16))), 0);
CREATE TABLE feedback (                   -- what the DJ said of a suggestion in the booth
  session      TEXT NOT NULL,
  track_id     TEXT NOT NULL,
  action       TEXT NOT NULL,             -- accept | skip
  from_track   TEXT NOT NULL,             -- what was playing when it was suggested
  at           TEXT NOT NULL
);
CREATE INDEX feedback_session ON feedback(session);
CREATE TRIGGER tracks_insert_generation AFTER INSERT ON tracks BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER tracks_update_generation AFTER UPDATE ON tracks BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER tracks_delete_generation AFTER DELETE ON tracks BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER locations_insert_generation AFTER INSERT ON locations BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER locations_update_generation AFTER UPDATE ON locations BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER locations_delete_generation AFTER DELETE ON locations BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER tags_insert_generation AFTER INSERT ON tags BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER tags_update_generation AFTER UPDATE ON tags BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER tags_delete_generation AFTER DELETE ON tags BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER analyses_insert_generation AFTER INSERT ON analyses BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER analyses_update_generation AFTER UPDATE ON analyses BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER analyses_delete_generation AFTER DELETE ON analyses BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER records_insert_generation AFTER INSERT ON records BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER records_update_generation AFTER UPDATE ON records BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER records_delete_generation AFTER DELETE ON records BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER llm_replies_insert_generation AFTER INSERT ON llm_replies BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER llm_replies_update_generation AFTER UPDATE ON llm_replies BEGIN UPDATE corpus_state SET generation = generation + 1; END;
CREATE TRIGGER llm_replies_delete_generation AFTER DELETE ON llm_replies BEGIN UPDATE corpus_state SET generation = generation + 1; END;
)sql",
      // 7: what DJ programs know of the library (imported: tracks with their own BPM, key, grid and
      // cues; playlists, crates and history), and transitions: what was played after what, from
      // every history (imported sets, `recommend --session`, the booth's accepts). Not what records
      // are built from: no generation bump.
      R"sql(
CREATE TABLE dj_tracks (
  origin       TEXT NOT NULL,               -- the file or folder imported (absolute): one import each
  source       TEXT NOT NULL,               -- rekordbox | traktor | serato | mixxx | engine | m3u | pls
  path         TEXT NOT NULL,               -- normalised (forward slashes, decoded, NFC)
  location     TEXT NOT NULL,               -- as the program wrote it
  app_id       TEXT NOT NULL DEFAULT '',
  track_id     TEXT,                        -- the corpus track it is, NULL until analysed
  title        TEXT NOT NULL DEFAULT '',
  artist       TEXT NOT NULL DEFAULT '',
  album        TEXT NOT NULL DEFAULT '',
  genre        TEXT NOT NULL DEFAULT '',
  comment      TEXT NOT NULL DEFAULT '',
  bpm          REAL,
  key_text     TEXT NOT NULL DEFAULT '',    -- the program's notation
  key          TEXT NOT NULL DEFAULT '',    -- Camelot, '' when none
  grid         TEXT NOT NULL DEFAULT '[]',  -- JSON [{position_s, bpm, beat}]
  cues         TEXT NOT NULL DEFAULT '[]',  -- JSON [{name, position_s, length_s?, hotcue, kind, color?}]
  rating       INTEGER,
  color        INTEGER,
  play_count   INTEGER NOT NULL DEFAULT 0,
  duration_s   REAL,
  imported_at  TEXT NOT NULL,
  PRIMARY KEY (origin, path)
);
CREATE INDEX dj_tracks_track ON dj_tracks(track_id);
CREATE TABLE dj_lists (
  list_id      INTEGER PRIMARY KEY,
  origin       TEXT NOT NULL,
  source       TEXT NOT NULL,
  kind         TEXT NOT NULL,               -- playlist | crate | history
  folder       TEXT NOT NULL DEFAULT '',    -- enclosing folders joined by " / "
  name         TEXT NOT NULL,
  date         TEXT NOT NULL DEFAULT '',    -- history: YYYY-MM-DD when known
  imported_at  TEXT NOT NULL,
  UNIQUE (origin, kind, folder, name)
);
CREATE TABLE dj_list_entries (
  list_id      INTEGER NOT NULL REFERENCES dj_lists(list_id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,
  path         TEXT NOT NULL,
  track_id     TEXT,
  played_at    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (list_id, position)
);
CREATE INDEX dj_list_entries_track ON dj_list_entries(track_id);
CREATE TABLE transitions (
  from_track   TEXT NOT NULL,
  to_track     TEXT NOT NULL,
  at           TEXT NOT NULL,               -- UTC ISO 8601, or the set's date
  source       TEXT NOT NULL,               -- codex | booth | rekordbox | traktor | ...
  set_name     TEXT NOT NULL,
  origin       TEXT NOT NULL DEFAULT '',    -- the import it came from ('' for CODEX's own sets)
  UNIQUE (from_track, to_track, at, source, set_name, origin)
);
CREATE INDEX transitions_from ON transitions(from_track);
CREATE INDEX transitions_to ON transitions(to_track);
INSERT OR IGNORE INTO transitions(from_track, to_track, at, source, set_name)
  SELECT prev, track_id, played_at, 'codex', session FROM (
    SELECT session, track_id, played_at, LAG(track_id) OVER (PARTITION BY session ORDER BY rowid) AS prev FROM history)
  WHERE prev IS NOT NULL AND prev <> track_id;
)sql",
      // 8: how the key and tempo decisions are adapted to the DJ's own tags (`codex train key`,
      // `codex train tempo`): one fitted model per analyzer, applied to its stored results.
      R"sql(
CREATE TABLE adaptations (
  kind         TEXT PRIMARY KEY,            -- the analyzer: key | tempo
  model        TEXT NOT NULL,               -- JSON (analysis/tag_adapt.h)
  trained_at   TEXT NOT NULL
);
)sql",
  };
  return kMigrations;
}

}  // namespace codex::corpus
