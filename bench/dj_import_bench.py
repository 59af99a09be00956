#!/usr/bin/env python3
"""Import speed and memory for large DJ libraries (issue 22's target: 50k tracks in <= 10 s, <= 500 MB).

Usage: bench/dj_import_bench.py CODEX_BINARY WORK_DIR [TRACKS]

Writes a Rekordbox collection XML and a Mixxx mixxxdb.sqlite of TRACKS tracks (default 50000), each
with a beat grid, three cue points, a key, a rating and a comment, in 200 playlists and 100 history
sets (20 tracks each), the paths spread over Windows and macOS folders; then imports each into a
fresh corpus with `/usr/bin/time -v` and prints the wall time and peak memory. Half of the tracks are
also in a corpus location (by path), so matching is exercised. The fixtures are synthetic text: the
figure is the importer's speed, not an accuracy.
"""
import os
import random
import sqlite3
import subprocess
import sys
import time
import struct

KEYS = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]


def path_of(i):
    folder = f"Genre{i % 37}/Label{i % 211}"
    return f"/Users/dj/Music/{folder}/Artist {i % 997} - Track {i}.mp3"


def write_rekordbox(path, n, rng):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<DJ_PLAYLISTS Version="1.0.0">\n'
                '<PRODUCT Name="rekordbox" Version="6.7.4" Company="AlphaTheta"/>\n')
        f.write(f'<COLLECTION Entries="{n}">\n')
        for i in range(n):
            bpm = 100 + (i * 7) % 80
            key = KEYS[i % 12] + ("m" if i % 2 else "")
            loc = "file://localhost" + path_of(i).replace(" ", "%20")
            f.write(f'<TRACK TrackID="{i + 1}" Name="Track {i}" Artist="Artist {i % 997}" Album="Album {i % 3001}" '
                    f'Genre="Genre{i % 37}" Kind="MP3 File" Size="9000000" TotalTime="{300 + i % 200}" '
                    f'AverageBpm="{bpm:.2f}" Tonality="{key}" Rating="{(i % 6) * 51}" Comments="comment {i}" '
                    f'PlayCount="{i % 9}" Location="{loc}">\n')
            f.write(f'  <TEMPO Inizio="0.{i % 1000:03d}" Bpm="{bpm:.2f}" Metro="4/4" Battito="1"/>\n')
            for c in range(3):
                f.write(f'  <POSITION_MARK Name="Cue {c}" Type="0" Start="{32.0 * (c + 1) + i % 7:.3f}" Num="{c}" '
                        f'Red="40" Green="226" Blue="20"/>\n')
            f.write('</TRACK>\n')
        f.write('</COLLECTION>\n<PLAYLISTS>\n<NODE Type="0" Name="ROOT" Count="2">\n<NODE Type="0" Name="Crates" Count="200">\n')
        for p in range(200):
            f.write(f'<NODE Name="List {p}" Type="1" KeyType="0" Entries="20">')
            for k in range(20):
                f.write(f'<TRACK Key="{rng.randrange(n) + 1}"/>')
            f.write('</NODE>\n')
        f.write('</NODE>\n<NODE Type="0" Name="HISTORY" Count="100">\n')
        for h in range(100):
            f.write(f'<NODE Name="HISTORY 2024-{1 + h % 12:02d}-{1 + h % 28:02d} ({h})" Type="1" KeyType="0" Entries="20">')
            for k in range(20):
                f.write(f'<TRACK Key="{rng.randrange(n) + 1}"/>')
            f.write('</NODE>\n')
        f.write('</NODE>\n</NODE>\n</PLAYLISTS>\n</DJ_PLAYLISTS>\n')


def beatgrid(bpm, frame):
    b = b"\x0a\x09\x09" + struct.pack("<d", bpm)
    v = bytearray()
    x = frame
    while True:
        if x < 0x80:
            v.append(x)
            break
        v.append((x & 0x7F) | 0x80)
        x >>= 7
    return b + bytes([0x12, 1 + len(v), 0x08]) + bytes(v)


def write_mixxx(path, n, rng):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.executescript("""
CREATE TABLE track_locations (id INTEGER PRIMARY KEY, location varchar(512), filename varchar(512), directory varchar(512),
  filesize INTEGER, fs_deleted INTEGER, needs_verification INTEGER);
CREATE TABLE library (id INTEGER PRIMARY KEY, artist varchar(64), title varchar(64), album varchar(64), year varchar(16),
  genre varchar(64), tracknumber varchar(3), location integer, comment varchar(256), url varchar(256), duration float,
  bitrate integer, samplerate integer, cuepoint integer, bpm float, wavesummaryhex blob, channels integer,
  datetime_added DEFAULT CURRENT_TIMESTAMP, mixxx_deleted integer DEFAULT 0, played integer, header_parsed integer,
  filetype varchar(8), replaygain float, timesplayed integer, rating integer, key varchar(8), beats BLOB,
  beats_version TEXT, composer varchar(64), bpm_lock INTEGER, beats_sub_version TEXT, keys BLOB, keys_version TEXT,
  keys_sub_version TEXT, key_id INTEGER, grouping TEXT, album_artist TEXT, color INTEGER, last_played_at DATETIME);
CREATE TABLE cues (id INTEGER PRIMARY KEY, track_id INTEGER NOT NULL, type INTEGER, position INTEGER, length INTEGER,
  hotcue INTEGER, label TEXT, color INTEGER);
CREATE TABLE crates (id INTEGER PRIMARY KEY, name varchar(48) UNIQUE NOT NULL, count INTEGER DEFAULT 0, show INTEGER DEFAULT 1,
  locked INTEGER DEFAULT 0, autodj_source INTEGER DEFAULT 0);
CREATE TABLE crate_tracks (crate_id INTEGER NOT NULL, track_id INTEGER NOT NULL);
CREATE TABLE Playlists (id INTEGER PRIMARY KEY, name varchar(48), position INTEGER, hidden INTEGER DEFAULT 0,
  date_created datetime, date_modified datetime, locked INTEGER DEFAULT 0);
CREATE TABLE PlaylistTracks (id INTEGER PRIMARY KEY, playlist_id INTEGER, track_id INTEGER, position INTEGER,
  pl_datetime_added DEFAULT CURRENT_TIMESTAMP);
""")
    loc, lib, cues = [], [], []
    for i in range(n):
        p = path_of(i).replace("/Users/dj/Music", "/home/dj/Music")
        loc.append((i + 1, p, os.path.basename(p), os.path.dirname(p), 9000000, 0, 0))
        bpm = 100.0 + (i * 7) % 80
        lib.append((i + 1, f"Artist {i % 997}", f"Track {i}", f"Album {i % 3001}", f"Genre{i % 37}", i + 1, f"comment {i}",
                    300.0 + i % 200, 44100, bpm, KEYS[i % 12], 1 + i % 24, i % 6, beatgrid(bpm, i % 1000), "BeatGrid-2.0",
                    i % 9, 0xFF0000))
        for c in range(3):
            cues.append((i + 1, 1, int((32 * (c + 1)) * 88200), 0, c, f"Cue {c}", 0x00FF00))
    db.executemany("INSERT INTO track_locations VALUES (?,?,?,?,?,?,?)", loc)
    db.executemany("INSERT INTO library (id, artist, title, album, genre, location, comment, duration, samplerate, bpm, key, key_id, "
                   "rating, beats, beats_version, timesplayed, color) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", lib)
    db.executemany("INSERT INTO cues (track_id, type, position, length, hotcue, label, color) VALUES (?,?,?,?,?,?,?)", cues)
    for c in range(200):
        db.execute("INSERT INTO crates (id, name) VALUES (?, ?)", (c + 1, f"Crate {c}"))
        db.executemany("INSERT INTO crate_tracks VALUES (?, ?)", [(c + 1, rng.randrange(n) + 1) for _ in range(20)])
    for h in range(100):
        db.execute("INSERT INTO Playlists (id, name, position, hidden, date_created) VALUES (?,?,?,?,?)",
                   (h + 1, f"2024-{1 + h % 12:02d}-{1 + h % 28:02d} #{h}", h, 2, f"2024-{1 + h % 12:02d}-{1 + h % 28:02d} 21:00:00"))
        db.executemany("INSERT INTO PlaylistTracks (playlist_id, track_id, position, pl_datetime_added) VALUES (?,?,?,?)",
                       [(h + 1, rng.randrange(n) + 1, k, f"2024-{1 + h % 12:02d}-{1 + h % 28:02d} 21:{k:02d}:00") for k in range(20)])
    db.commit()
    db.close()


def seed_corpus(codex, db, n):
    """A corpus whose every other track is at the Rekordbox path (Mixxx's paths then match by folder and name)."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    subprocess.run([codex, "list", "--db", db], capture_output=True, check=True)
    c = sqlite3.connect(db)
    now = "2026-01-01T00:00:00Z"
    c.executemany("INSERT INTO tracks(track_id, title, artist, duration_s, container, codec, sample_rate, channels, added_at, updated_at) "
                  "VALUES (?,?,?,?,?,?,?,?,?,?)",
                  [(f"{i:064x}", f"Track {i}", f"Artist {i % 997}", 300.0 + i % 200, "mp3", "mp3", 44100, 2, now, now)
                   for i in range(0, n, 2)])
    c.executemany("INSERT INTO locations(path, track_id, size, mtime_ns, seen_at) VALUES (?,?,?,?,?)",
                  [(path_of(i), f"{i:064x}", 9000000, 0, now) for i in range(0, n, 2)])
    c.commit()
    c.close()


def run(codex, db, source, n):
    seed_corpus(codex, db, n)
    t0 = time.time()
    r = subprocess.run(["/usr/bin/time", "-v", codex, "library", "import", source, "--db", db, "--json"],
                       capture_output=True, text=True)
    wall = time.time() - t0
    if r.returncode != 0:
        print(r.stderr)
        sys.exit(1)
    rss = next(int(l.split()[-1]) for l in r.stderr.splitlines() if "Maximum resident set size" in l)
    import json
    j = json.loads(r.stdout)
    return wall, rss / 1024.0, j["matched"], j["tracks"], j["matched_by"]


def main():
    codex, work = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 50000
    os.makedirs(work, exist_ok=True)
    rng = random.Random(7)
    rb, mx = os.path.join(work, "rekordbox.xml"), os.path.join(work, "mixxxdb.sqlite")
    write_rekordbox(rb, n, rng)
    write_mixxx(mx, n, rng)
    print(f"{n} tracks: Rekordbox XML {os.path.getsize(rb) / 1e6:.1f} MB, Mixxx database {os.path.getsize(mx) / 1e6:.1f} MB")
    for name, src in (("Rekordbox XML", rb), ("Mixxx database", mx)):
        runs = [run(codex, os.path.join(work, "corpus.db"), src, n) for _ in range(3)]
        walls = sorted(r[0] for r in runs)
        print(f"{name}: median {walls[1]:.2f} s (runs {', '.join(f'{w:.2f}' for w in walls)}), peak memory "
              f"{max(r[1] for r in runs):.0f} MB; matched {runs[0][2]} of {runs[0][3]} ({runs[0][4]})")


if __name__ == "__main__":
    main()
