// The DJ programs' files, read and written. Every fixture is written here from the formats' public
// descriptions: Rekordbox's "rekordbox XML format" (AlphaTheta), the NML layout of Traktor's
// collection and history files as documented by traktor-nml-utils and Mixxx's Traktor feature,
// Serato's field layout as in Mixxx's Serato feature and the serato-tags notes, Mixxx's
// res/schema.xml, and libdjinterop's reading of Engine DJ's m.db. Malformed and hostile files get
// one clear error (or are skipped in part with a warning), never a crash.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "codex/corpus/sqlite.h"
#include "codex/interop/dj_library.h"
#include "codex/interop/dj_paths.h"
#include "codex/interop/xml.h"
#include "support/test_util.h"

namespace codex::interop {
namespace {

using test::TempDir;
using test::write_bytes;

TEST(DjPaths, FileUrlsDrivesAndBackslashesBecomeOneForm) {
  EXPECT_EQ(normalize_path("file://localhost/Users/me/Music/a%20b.mp3"), "/Users/me/Music/a b.mp3");
  EXPECT_EQ(normalize_path("file://localhost/C:/Music/House/x.mp3"), "C:/Music/House/x.mp3");
  EXPECT_EQ(normalize_path("file:///c:/Music/x.mp3"), "C:/Music/x.mp3");
  EXPECT_EQ(normalize_path("C:\\Music\\House\\x.mp3"), "C:/Music/House/x.mp3");
  EXPECT_EQ(normalize_path("/a/./b//c.mp3\r\n"), "/a/b/c.mp3");
  EXPECT_EQ(normalize_path("/a/b/../c.mp3"), "/a/c.mp3");
  EXPECT_EQ(normalize_path("file://localhost/a/%ZZ.mp3"), "/a/%ZZ.mp3");  // a malformed escape is kept
}

TEST(DjPaths, WhatIsNotALocalFileIsRefused) {
  EXPECT_EQ(normalize_path(""), "");
  EXPECT_EQ(normalize_path("   "), "");
  EXPECT_EQ(normalize_path("https://example.com/a.mp3"), "");
  EXPECT_EQ(normalize_path("/../etc/passwd"), "");  // climbs above the root
  EXPECT_EQ(normalize_path("C:/../x.mp3"), "");
  EXPECT_EQ(normalize_path(std::string("/a\0b.mp3", 8)), "");
}

TEST(DjPaths, MacDecomposedUnicodeMatchesComposed) {
  const std::string nfd = "/Music/Mu\xCC\x81sica.mp3";  // u + combining acute (macOS writes NFD)
  const std::string nfc = "/Music/M\xC3\xBAsica.mp3";
  EXPECT_EQ(normalize_path(nfd), nfc);
  EXPECT_EQ(normalize_path("file://localhost/Music/Mu%CC%81sica.mp3"), nfc);
  EXPECT_EQ(interop::nfc("\xFF\xFE"), "\xFF\xFE");  // invalid UTF-8 comes back as it was
}

TEST(DjPaths, TraktorVolumesRoundTrip) {
  EXPECT_EQ(traktor_path("Macintosh HD", "/:Users/:me/:Music/:", "a.mp3"), "/Users/me/Music/a.mp3");
  EXPECT_EQ(traktor_path("C:", "/:Music/:House/:", "x.mp3"), "C:/Music/House/x.mp3");
  EXPECT_EQ(traktor_path("USB STICK", "/:Sets/:", "y.mp3"), "/Volumes/USB STICK/Sets/y.mp3");
  for (const std::string p : {"/Users/me/Music/a.mp3", "C:/Music/x.mp3", "/Volumes/USB/Sets/y.mp3", "/home/dj/z.flac"}) {
    const TraktorLocation l = traktor_location(p);
    EXPECT_EQ(traktor_path(l.volume, l.dir, l.file), p);
  }
}

TEST(DjPaths, SeratoDriveRoots) {
  EXPECT_EQ(serato_drive_root("/Volumes/USB"), "/Volumes/USB");
  EXPECT_EQ(serato_drive_root("/Volumes/USB/"), "/Volumes/USB");
  EXPECT_EQ(serato_drive_root("/media/dj/STICK"), "/media/dj/STICK");
  EXPECT_EQ(serato_drive_root("/run/media/dj/STICK"), "/run/media/dj/STICK");
  EXPECT_EQ(serato_drive_root("/mnt/music"), "/mnt/music");
  EXPECT_EQ(serato_drive_root("/Users/dj/Music"), "");  // the start-up disk: paths from "/"
  EXPECT_EQ(serato_drive_root("/home/dj/Music"), "");
  EXPECT_EQ(normalize_path("file://localhost/a/b%00c.mp3"), "");
}

TEST(DjKeys, EachProgramsNotation) {
  EXPECT_EQ(rekordbox_key("8A"), "Am");
  EXPECT_EQ(rekordbox_key("3B"), "Db");
  EXPECT_EQ(rekordbox_key("11A"), "F#m");
  EXPECT_EQ(traktor_key_text("8A"), "1m");  // Open Key
  EXPECT_EQ(traktor_key_value("8B"), 0);     // C major
  EXPECT_EQ(traktor_key_value("8A"), 21);    // A minor: 12 + 9
  EXPECT_EQ(traktor_key_value("nonsense"), -1);
  EXPECT_EQ(camelot_from_text("F#m"), "11A");
  EXPECT_EQ(camelot_from_text("1d"), "8B");
  EXPECT_EQ(camelot_from_text(""), "");
}

const char* kRekordbox = R"(<?xml version="1.0" encoding="UTF-8"?>
<DJ_PLAYLISTS Version="1.0.0">
  <PRODUCT Name="rekordbox" Version="6.7.4" Company="AlphaTheta"/>
  <COLLECTION Entries="3">
    <TRACK TrackID="11" Name="Deep &amp; Dark" Artist="Kestrel" Album="A" Genre="Techno" Kind="MP3 File" TotalTime="371"
           AverageBpm="87.00" Tonality="F#m" Rating="204" Colour="0xFF007F" Comments="warm-up" PlayCount="3"
           Location="file://localhost/Users/dj/Music/Deep%20Dark.mp3">
      <TEMPO Inizio="0.120" Bpm="87.00" Metro="4/4" Battito="1"/>
      <TEMPO Inizio="120.5" Bpm="87.50" Metro="4/4" Battito="3"/>
      <POSITION_MARK Name="" Type="0" Start="0.120" Num="-1"/>
      <POSITION_MARK Name="Drop" Type="0" Start="64.5" Num="1" Red="230" Green="40" Blue="40"/>
      <POSITION_MARK Name="Loop" Type="4" Start="32.0" End="40.0" Num="2"/>
    </TRACK>
    <TRACK TrackID="12" Name="Second" Artist="B" Tonality="Cm" AverageBpm="0" Location="file://localhost/C:/Music/House/second.mp3"/>
    <TRACK TrackID="13" Name="Stream" Artist="C" Location=""/>
  </COLLECTION>
  <PLAYLISTS>
    <NODE Type="0" Name="ROOT" Count="3">
      <NODE Type="0" Name="Gigs" Count="1">
        <NODE Name="Friday" Type="1" KeyType="0" Entries="3">
          <TRACK Key="12"/><TRACK Key="11"/><TRACK Key="999"/>
        </NODE>
      </NODE>
      <NODE Type="0" Name="HISTORY" Count="1">
        <NODE Name="HISTORY 2024-05-01" Type="1" KeyType="0" Entries="2"><TRACK Key="11"/><TRACK Key="12"/></NODE>
      </NODE>
      <NODE Name="By path" Type="1" KeyType="1" Entries="1"><TRACK Key="file://localhost/C:/Music/House/second.mp3"/></NODE>
    </NODE>
  </PLAYLISTS>
</DJ_PLAYLISTS>
)";

TEST(Rekordbox, ReadsTracksGridCuesAndLists) {
  TempDir d;
  write_bytes(d.file("rb.xml"), kRekordbox);
  auto lib = read_dj_library(d.file("rb.xml"));
  ASSERT_TRUE(lib) << lib.status().message();
  EXPECT_EQ(lib->source, "rekordbox");
  ASSERT_EQ(lib->tracks.size(), 3u);
  const DjTrack& t = lib->tracks[0];
  EXPECT_EQ(t.path, "/Users/dj/Music/Deep Dark.mp3");
  EXPECT_EQ(t.title, "Deep & Dark");
  EXPECT_EQ(t.app_id, "11");
  EXPECT_DOUBLE_EQ(*t.bpm, 87.0);
  EXPECT_EQ(t.key_text, "F#m");
  EXPECT_EQ(t.key, "11A");
  EXPECT_EQ(*t.rating, 4);
  EXPECT_EQ(*t.color, 0xFF007Fu);
  EXPECT_EQ(t.comment, "warm-up");
  EXPECT_EQ(t.play_count, 3);
  EXPECT_DOUBLE_EQ(*t.duration_s, 371.0);
  ASSERT_EQ(t.grid.size(), 2u);
  EXPECT_DOUBLE_EQ(t.grid[1].position_s, 120.5);
  EXPECT_EQ(t.grid[1].beat, 3);
  ASSERT_EQ(t.cues.size(), 3u);
  EXPECT_EQ(t.cues[0].hotcue, -1);  // a memory cue
  EXPECT_EQ(t.cues[1].name, "Drop");
  EXPECT_EQ(*t.cues[1].color, 0xE62828u);
  EXPECT_EQ(t.cues[2].kind, "loop");
  EXPECT_DOUBLE_EQ(*t.cues[2].length_s, 8.0);
  EXPECT_EQ(lib->tracks[1].path, "C:/Music/House/second.mp3");
  EXPECT_FALSE(lib->tracks[1].bpm);  // 0 is "no BPM"
  EXPECT_EQ(lib->tracks[2].path, "");
  ASSERT_EQ(lib->lists.size(), 3u);
  EXPECT_EQ(lib->lists[0].name, "Friday");
  EXPECT_EQ(lib->lists[0].folder, std::vector<std::string>{"Gigs"});
  EXPECT_EQ(lib->lists[0].kind, "playlist");
  EXPECT_EQ(lib->lists[0].paths, (std::vector<std::string>{"C:/Music/House/second.mp3", "/Users/dj/Music/Deep Dark.mp3"}));
  EXPECT_EQ(lib->lists[1].kind, "history");
  EXPECT_EQ(lib->lists[1].date, "2024-05-01");
  EXPECT_EQ(lib->lists[2].paths, std::vector<std::string>{"C:/Music/House/second.mp3"});
  EXPECT_EQ(lib->warnings.size(), 2u);  // the stream without a location, the entry naming no track
}

TEST(Rekordbox, HostileAndBrokenFilesGetOneClearError) {
  TempDir d;
  auto fails = [&](const std::string& text, const std::string& why) {
    write_bytes(d.file("x.xml"), text);
    auto r = read_rekordbox_xml(d.file("x.xml"));
    EXPECT_FALSE(r) << why;
    if (!r) {
      EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
      return r.status().message();
    }
    return std::string();
  };
  const std::string doc(kRekordbox);
  EXPECT_NE(fails(doc.substr(0, doc.size() / 2), "truncated").find("line"), std::string::npos);
  fails(R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<DJ_PLAYLISTS><COLLECTION><TRACK Name="&lol2;"/></COLLECTION></DJ_PLAYLISTS>)", "entity expansion");
  fails(R"(<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><DJ_PLAYLISTS/>)", "external DTD");
  std::string deep = "<DJ_PLAYLISTS>";
  for (int i = 0; i < 200; ++i) deep += "<NODE>";
  fails(deep, "deep nesting");
  fails("<DJ_PLAYLISTS><COLLECTION><TRACK Name=\"" + std::string(2 << 20, 'a') + "\"/></COLLECTION></DJ_PLAYLISTS>", "huge attribute");
  fails("<OTHER/>", "another root");
  fails("", "empty");
  fails("\xFF\xFE<\0D\0", "UTF-16 bytes claimed as UTF-8");
  EXPECT_FALSE(read_rekordbox_xml(d.file("missing.xml")));
}

TEST(Rekordbox, WrittenThenReadGivesTheSameGridCuesAndKeys) {
  DjLibrary lib;
  DjTrack t;
  t.path = "/music/Ünïcode & <odd> \"name\".flac";
  t.title = "T \"1\"";
  t.artist = "A & B";
  t.bpm = 128.0;
  t.key = "8A";
  t.duration_s = 301.0;
  t.rating = 3;
  t.comment = "CODEX: Energy 7";
  t.grid = {{0.25, 128.0, 1}};
  t.cues = {{"Start", 0.25, std::nullopt, 0, "cue", 0x28E214}, {"Drop", 60.25, std::nullopt, 2, "cue", 0xE62828},
            {"Loop", 90.0, 4.0, -1, "loop", std::nullopt}};
  lib.tracks.push_back(t);
  DjTrack u;
  u.path = "C:/Music/x.mp3";
  u.title = "X";
  lib.tracks.push_back(u);
  DjList l;
  l.folder = {"CODEX sets"};
  l.name = "Friday";
  l.paths = {u.path, t.path};
  lib.lists.push_back(l);
  TempDir d;
  ASSERT_TRUE(write_rekordbox_xml(lib, d.file("out.xml")));
  auto back = read_dj_library(d.file("out.xml"));
  ASSERT_TRUE(back) << back.status().message();
  ASSERT_EQ(back->tracks.size(), 2u);
  const DjTrack& b = back->tracks[0];
  EXPECT_EQ(b.path, t.path);
  EXPECT_EQ(b.title, t.title);
  EXPECT_EQ(b.artist, t.artist);
  EXPECT_EQ(b.key, "8A");
  EXPECT_EQ(b.key_text, "Am");
  EXPECT_DOUBLE_EQ(*b.bpm, 128.0);
  EXPECT_EQ(*b.rating, 3);
  EXPECT_EQ(b.comment, t.comment);
  ASSERT_EQ(b.grid.size(), 1u);
  EXPECT_NEAR(b.grid[0].position_s, 0.25, 1e-3);
  ASSERT_EQ(b.cues.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(b.cues[i].name, t.cues[i].name);
    EXPECT_NEAR(b.cues[i].position_s, t.cues[i].position_s, 1e-3);
    EXPECT_EQ(b.cues[i].hotcue, t.cues[i].hotcue);
    EXPECT_EQ(b.cues[i].kind, t.cues[i].kind);
    EXPECT_EQ(b.cues[i].color, t.cues[i].color);
  }
  EXPECT_NEAR(*b.cues[2].length_s, 4.0, 1e-3);
  EXPECT_EQ(back->tracks[1].path, "C:/Music/x.mp3");
  ASSERT_EQ(back->lists.size(), 1u);
  EXPECT_EQ(back->lists[0].folder, std::vector<std::string>{"CODEX sets"});
  EXPECT_EQ(back->lists[0].paths, l.paths);
}

const char* kTraktor = R"(<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<NML VERSION="19"><HEAD COMPANY="www.native-instruments.com" PROGRAM="Traktor"></HEAD>
<MUSICFOLDERS></MUSICFOLDERS>
<COLLECTION ENTRIES="2">
<ENTRY MODIFIED_DATE="2024/5/1" TITLE="Night Drive" ARTIST="Mara Voss" AUDIO_ID="AAAA">
<LOCATION DIR="/:Users/:dj/:Music/:" FILE="night drive.mp3" VOLUME="Macintosh HD" VOLUMEID="x"></LOCATION>
<ALBUM TITLE="Nights"></ALBUM>
<INFO BITRATE="320000" GENRE="House" KEY="1m" PLAYCOUNT="5" PLAYTIME="300" PLAYTIME_FLOAT="299.5" RANKING="153" COMMENT="peak"></INFO>
<TEMPO BPM="124.000000" BPM_QUALITY="100.000000"></TEMPO>
<MUSICAL_KEY VALUE="21"></MUSICAL_KEY>
<CUE_V2 NAME="AutoGrid" DISPL_ORDER="0" TYPE="4" START="512.5" LEN="0" REPEATS="-1" HOTCUE="0"><GRID BPM="124.000000"></GRID></CUE_V2>
<CUE_V2 NAME="Drop" DISPL_ORDER="0" TYPE="0" START="62415.0" LEN="0" REPEATS="-1" HOTCUE="1"></CUE_V2>
<CUE_V2 NAME="Roll" DISPL_ORDER="0" TYPE="5" START="30000" LEN="7741.9" REPEATS="-1" HOTCUE="-1"></CUE_V2>
</ENTRY>
<ENTRY TITLE="PC Track" ARTIST="X">
<LOCATION DIR="/:Music/:House/:" FILE="pc.mp3" VOLUME="C:"></LOCATION>
<INFO KEY="8A"></INFO>
</ENTRY>
</COLLECTION>
<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="1">
<NODE TYPE="FOLDER" NAME="Club"><SUBNODES COUNT="1">
<NODE TYPE="PLAYLIST" NAME="Warmup"><PLAYLIST ENTRIES="2" TYPE="LIST" UUID="u">
<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="C:/:Music/:House/:pc.mp3"></PRIMARYKEY></ENTRY>
<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="Macintosh HD/:Users/:dj/:Music/:night drive.mp3"></PRIMARYKEY></ENTRY>
</PLAYLIST></NODE></SUBNODES></NODE>
</SUBNODES></NODE></PLAYLISTS>
</NML>
)";

TEST(Traktor, ReadsEntriesKeysGridCuesAndPlaylists) {
  TempDir d;
  write_bytes(d.file("collection.nml"), kTraktor);
  auto lib = read_dj_library(d.path());  // the folder holding collection.nml
  ASSERT_TRUE(lib) << lib.status().message();
  EXPECT_EQ(lib->source, "traktor");
  ASSERT_EQ(lib->tracks.size(), 2u);
  const DjTrack& t = lib->tracks[0];
  EXPECT_EQ(t.path, "/Users/dj/Music/night drive.mp3");
  EXPECT_EQ(t.album, "Nights");
  EXPECT_EQ(t.key, "8A");  // MUSICAL_KEY 21 = A minor
  EXPECT_EQ(*t.rating, 3);
  EXPECT_DOUBLE_EQ(*t.duration_s, 299.5);
  EXPECT_DOUBLE_EQ(*t.bpm, 124.0);
  ASSERT_EQ(t.grid.size(), 1u);
  EXPECT_DOUBLE_EQ(t.grid[0].position_s, 0.5125);  // milliseconds in the file
  ASSERT_EQ(t.cues.size(), 3u);
  EXPECT_EQ(t.cues[0].kind, "grid");
  EXPECT_EQ(t.cues[1].name, "Drop");
  EXPECT_DOUBLE_EQ(t.cues[1].position_s, 62.415);
  EXPECT_EQ(t.cues[1].hotcue, 1);
  EXPECT_EQ(t.cues[2].kind, "loop");
  EXPECT_NEAR(*t.cues[2].length_s, 7.7419, 1e-9);
  EXPECT_EQ(lib->tracks[1].path, "C:/Music/House/pc.mp3");
  EXPECT_EQ(lib->tracks[1].key, "8A");
  ASSERT_EQ(lib->lists.size(), 1u);
  EXPECT_EQ(lib->lists[0].folder, std::vector<std::string>{"Club"});
  EXPECT_EQ(lib->lists[0].name, "Warmup");
  EXPECT_EQ(lib->lists[0].paths, (std::vector<std::string>{"C:/Music/House/pc.mp3", "/Users/dj/Music/night drive.mp3"}));
}

TEST(Traktor, HistoryArchivesAreSetsWithTimes) {
  TempDir d;
  // STARTDATE packs year << 16 | month << 8 | day; STARTTIME is seconds into the day.
  const long date = 2024L << 16 | 5L << 8 | 1L;
  const std::string nml = std::string(R"(<?xml version="1.0" encoding="UTF-8"?><NML VERSION="19"><COLLECTION ENTRIES="0"></COLLECTION>
<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="1"><NODE TYPE="PLAYLIST" NAME="HISTORY"><PLAYLIST ENTRIES="2" TYPE="LIST">
<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="Macintosh HD/:m/:a.mp3"></PRIMARYKEY><EXTENDEDDATA DECK="0" EXTENDEDTYPE="HistoryData" STARTDATE=")") +
                          std::to_string(date) + R"(" STARTTIME="77400"></EXTENDEDDATA></ENTRY>
<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="Macintosh HD/:m/:b.mp3"></PRIMARYKEY></ENTRY>
</PLAYLIST></NODE></SUBNODES></NODE></PLAYLISTS></NML>)";
  write_bytes(d.file("history_2024y05m01d_21h30m00s.nml"), nml);
  // Traktor's own folder: the collection and its History archives are read together.
  std::filesystem::create_directories(d.file("Traktor/History"));
  write_bytes(d.file("Traktor/collection.nml"), kTraktor);
  write_bytes(d.file("Traktor/History/history_2024y05m01d_21h30m00s.nml"), nml);
  write_bytes(d.file("Traktor/History/history_2024y05m02d_21h30m00s.nml"), "<NML><COLLECTION>");  // cut short
  auto folder = read_dj_library(d.file("Traktor"));
  ASSERT_TRUE(folder) << folder.status().message();
  EXPECT_EQ(folder->tracks.size(), 2u);
  ASSERT_EQ(folder->lists.size(), 2u);
  EXPECT_EQ(folder->lists[1].kind, "history");
  EXPECT_EQ(folder->warnings.size(), 1u);
  auto lib = read_dj_library(d.file("history_2024y05m01d_21h30m00s.nml"));
  ASSERT_TRUE(lib) << lib.status().message();
  ASSERT_EQ(lib->lists.size(), 1u);
  EXPECT_EQ(lib->lists[0].kind, "history");
  EXPECT_EQ(lib->lists[0].date, "2024-05-01");
  EXPECT_EQ(lib->lists[0].paths, (std::vector<std::string>{"/m/a.mp3", "/m/b.mp3"}));
  EXPECT_EQ(lib->lists[0].played_at[0], "2024-05-01T21:30:00Z");
  EXPECT_EQ(lib->lists[0].played_at[1], "");
}

TEST(Traktor, WrittenThenReadGivesTheSameGridCuesAndKeys) {
  DjLibrary lib;
  DjTrack t;
  t.path = "/home/dj/Music/a b.flac";
  t.title = "A";
  t.artist = "B";
  t.bpm = 174.0;
  t.key = "4A";
  t.grid = {{0.1, 174.0, 1}};
  t.cues = {{"Drop", 33.2, std::nullopt, 2, "cue", std::nullopt}, {"Outro", 150.0, std::nullopt, 4, "cue", std::nullopt}};
  lib.tracks.push_back(t);
  lib.lists.push_back({"playlist", {"CODEX sets"}, "Saturday", {t.path}, {""}, ""});
  TempDir d;
  ASSERT_TRUE(write_traktor_nml(lib, d.file("codex.nml")));
  auto back = read_dj_library(d.file("codex.nml"));
  ASSERT_TRUE(back) << back.status().message();
  ASSERT_EQ(back->tracks.size(), 1u);
  const DjTrack& b = back->tracks[0];
  EXPECT_EQ(b.path, t.path);
  EXPECT_EQ(b.key, "4A");
  EXPECT_DOUBLE_EQ(*b.bpm, 174.0);
  ASSERT_EQ(b.grid.size(), 1u);
  EXPECT_NEAR(b.grid[0].position_s, 0.1, 1e-6);
  EXPECT_DOUBLE_EQ(b.grid[0].bpm, 174.0);
  ASSERT_EQ(b.cues.size(), 3u);  // the grid cue, then the two
  EXPECT_EQ(b.cues[1].name, "Drop");
  EXPECT_NEAR(b.cues[1].position_s, 33.2, 1e-6);
  EXPECT_EQ(b.cues[2].hotcue, 4);
  ASSERT_EQ(back->lists.size(), 1u);
  EXPECT_EQ(back->lists[0].name, "CODEX sets / Saturday");
  EXPECT_EQ(back->lists[0].paths, std::vector<std::string>{t.path});
}

TEST(Playlists, M3uWithRelativePathsExtinfAndCrlf) {
  TempDir d;
  write_bytes(d.file("set.m3u8"), "\xEF\xBB\xBF#EXTM3U\r\n#EXTINF:301,Mara Voss - Night Drive\r\nmusic/a.mp3\r\n\r\n"
                                  "# a comment\r\n../elsewhere/b.mp3\r\nhttp://radio.example/stream\r\n/abs/c.mp3\r\n"
                                  "file://localhost/C:/Music/d.mp3\r\n");
  auto lib = read_dj_library(d.file("set.m3u8"));
  ASSERT_TRUE(lib) << lib.status().message();
  ASSERT_EQ(lib->lists.size(), 1u);
  EXPECT_EQ(lib->lists[0].name, "set");
  const auto& p = lib->lists[0].paths;
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0], d.path() + "/music/a.mp3");
  EXPECT_EQ(p[1], normalize_path(d.path() + "/../elsewhere/b.mp3"));
  EXPECT_EQ(p[2], "/abs/c.mp3");
  EXPECT_EQ(p[3], "C:/Music/d.mp3");
  EXPECT_EQ(lib->tracks[0].artist, "Mara Voss");
  EXPECT_EQ(lib->tracks[0].title, "Night Drive");
  EXPECT_DOUBLE_EQ(*lib->tracks[0].duration_s, 301.0);
  EXPECT_EQ(lib->warnings.size(), 1u);  // the stream
}

TEST(Playlists, Latin1M3uAndPls) {
  TempDir d;
  write_bytes(d.file("old.m3u"), "/m/Caf\xE9.mp3\n");
  auto m3u = read_playlist_file(d.file("old.m3u"));
  ASSERT_TRUE(m3u);
  EXPECT_EQ(m3u->lists[0].paths[0], "/m/Caf\xC3\xA9.mp3");
  write_bytes(d.file("x.pls"), "[playlist]\nFile2=/m/b.mp3\nFile1=/m/a.mp3\nTitle1=A - One\nLength1=200\nNumberOfEntries=2\nFile999999999=/m/z.mp3\n");
  auto pls = read_dj_library(d.file("x.pls"));
  ASSERT_TRUE(pls) << pls.status().message();
  EXPECT_EQ(pls->source, "pls");
  EXPECT_EQ(pls->lists[0].paths, (std::vector<std::string>{"/m/a.mp3", "/m/b.mp3"}));
  EXPECT_EQ(pls->tracks[0].title, "One");
  write_bytes(d.file("bad.pls"), "File1=/m/a.mp3\n");
  EXPECT_FALSE(read_playlist_file(d.file("bad.pls")));
  write_bytes(d.file("bin.m3u"), std::string("\0\1\2\3", 4));
  EXPECT_FALSE(read_playlist_file(d.file("bin.m3u")));
}

TEST(Playlists, M3u8WrittenThenRead) {
  DjTrack a, b;
  a.path = "/m/a one.mp3";
  a.artist.push_back('X');  // (GCC 12 warns, wrongly, on assigning a one-letter literal here)
  a.title = "One\nLine";
  a.duration_s = 100.4;
  b.path = "C:/Music/b.mp3";
  TempDir d;
  ASSERT_TRUE(write_m3u8({&a, &b}, d.file("o.m3u8")));
  auto back = read_playlist_file(d.file("o.m3u8"));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->lists[0].paths, (std::vector<std::string>{a.path, b.path}));
  EXPECT_EQ(back->tracks[0].title, "One Line");
}

// Serato's field layout: tag, big-endian length, value.
std::string field(const std::string& tag, const std::string& value) {
  std::string out = tag;
  const uint32_t n = static_cast<uint32_t>(value.size());
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((n >> s) & 0xFF));
  return out + value;
}
std::string utf16(const std::string& ascii) {
  std::string out;
  for (char c : ascii) out += std::string(1, '\0') + c;
  return out;
}
std::string numeric(uint32_t id) {
  std::string out;
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((id >> s) & 0xFF));
  return out;
}

TEST(Serato, DatabaseCratesAndSessions) {
  TempDir d;
  const std::string s = d.file("_Serato_");
  std::filesystem::create_directories(s + "/Subcrates");
  std::filesystem::create_directories(s + "/History/Sessions");
  write_bytes(s + "/database V2",
              field("vrsn", utf16("2.0/Serato Scratch LIVE Database")) +
                  field("otrk", field("ttyp", utf16("mp3")) + field("pfil", utf16("Users/dj/Music/a.mp3")) +
                                    field("tsng", utf16("Alpha")) + field("tart", utf16("Artist")) + field("tbpm", utf16("126.00")) +
                                    field("tkey", utf16("Gm"))) +
                  field("otrk", field("pfil", utf16("Users/dj/Music/b.mp3"))));
  write_bytes(s + "/Subcrates/House%%Deep.crate",
              field("vrsn", utf16("1.0/Serato ScratchLive Crate")) + field("otrk", field("ptrk", utf16("Users/dj/Music/b.mp3"))) +
                  field("otrk", field("ptrk", utf16("Users/dj/Music/a.mp3"))));
  const std::string entry = field("adat", field(numeric(2), utf16("Users/dj/Music/a.mp3")) + field(numeric(28), numeric(1714599000)));
  write_bytes(s + "/History/Sessions/12.session", field("vrsn", utf16("1.0/Serato Scratch LIVE Review")) + field("oent", entry) +
                                                      field("oent", field("adat", field(numeric(2), utf16("Users/dj/Music/b.mp3")))));
  auto lib = read_dj_library(d.path());
  ASSERT_TRUE(lib) << lib.status().message();
  EXPECT_EQ(lib->source, "serato");
  ASSERT_EQ(lib->tracks.size(), 2u);
  EXPECT_EQ(lib->tracks[0].title, "Alpha");
  EXPECT_EQ(lib->tracks[0].path.substr(lib->tracks[0].path.size() - 21), "/Users/dj/Music/a.mp3");
  EXPECT_DOUBLE_EQ(*lib->tracks[0].bpm, 126.0);
  EXPECT_EQ(lib->tracks[0].key, "6A");  // G minor
  ASSERT_EQ(lib->lists.size(), 2u);  // History/ sorts before Subcrates/
  EXPECT_EQ(lib->lists[1].kind, "crate");
  EXPECT_EQ(lib->lists[1].folder, std::vector<std::string>{"House"});
  EXPECT_EQ(lib->lists[1].name, "Deep");
  EXPECT_EQ(lib->lists[1].paths.size(), 2u);
  EXPECT_EQ(lib->lists[0].kind, "history");
  ASSERT_EQ(lib->lists[0].paths.size(), 2u);
  EXPECT_EQ(lib->lists[0].played_at[0], "2024-05-01T21:30:00Z");
  EXPECT_EQ(lib->lists[0].date, "2024-05-01");
}

TEST(Serato, BrokenFilesAreReportedNotRead) {
  TempDir d;
  std::filesystem::create_directories(d.file("_Serato_/Subcrates"));
  std::string crate = field("vrsn", utf16("1.0/Serato ScratchLive Crate")) + field("otrk", field("ptrk", utf16("a.mp3")));
  write_bytes(d.file("_Serato_/Subcrates/Cut.crate"), crate.substr(0, crate.size() - 3));  // truncated
  std::string huge = "vrsn";
  huge += std::string("\xFF\xFF\xFF\xF0", 4);  // a length past the end
  write_bytes(d.file("_Serato_/Subcrates/Huge.crate"), huge);
  write_bytes(d.file("_Serato_/Subcrates/Good.crate"), crate);
  auto lib = read_dj_library(d.path());
  ASSERT_TRUE(lib) << lib.status().message();
  EXPECT_EQ(lib->lists.size(), 1u);  // the good crate
  EXPECT_EQ(lib->warnings.size(), 2u);
  EXPECT_FALSE(read_serato(d.file("_Serato_/Subcrates/Huge.crate")));
}

void exec(corpus::Database& db, const std::string& sql) { ASSERT_TRUE(db.exec(sql)) << sql; }

// Mixxx's BeatGrid protobuf: field 1 {field 1: double bpm}, field 2 {field 1: varint frame}.
std::string mixxx_beatgrid_hex(double bpm, int frame) {
  std::string b;
  b.push_back(0x0A);
  b.push_back(9);
  b.push_back(0x09);
  char d[8];
  std::memcpy(d, &bpm, 8);
  b.append(d, 8);
  std::string v;
  for (uint32_t x = static_cast<uint32_t>(frame);; x >>= 7) {
    if (x < 0x80) {
      v.push_back(static_cast<char>(x));
      break;
    }
    v.push_back(static_cast<char>((x & 0x7F) | 0x80));
  }
  b.push_back(0x12);
  b.push_back(static_cast<char>(1 + v.size()));
  b.push_back(0x08);
  b += v;
  std::string hex;
  for (unsigned char c : b) {
    char h[3];
    std::snprintf(h, sizeof h, "%02X", c);
    hex += h;
  }
  return hex;
}

TEST(Mixxx, LibraryCuesCratesPlaylistsAndSetLogs) {
  TempDir d;
  {
    auto db = corpus::Database::open(d.file("mixxxdb.sqlite"));
    ASSERT_TRUE(db);
    exec(**db, "CREATE TABLE track_locations (id INTEGER PRIMARY KEY, location varchar(512), filename varchar(512), directory varchar(512))");
    exec(**db, "CREATE TABLE library (id INTEGER PRIMARY KEY, artist, title, album, genre, comment, location integer, samplerate integer, "
               "duration real, bpm float, key varchar(8), key_id integer, rating integer, color integer, beats blob, beats_version, "
               "timesplayed integer, mixxx_deleted integer DEFAULT 0)");
    exec(**db, "CREATE TABLE cues (id INTEGER PRIMARY KEY, track_id integer, type integer, position integer, length integer, hotcue integer, "
               "label text, color integer)");
    exec(**db, "CREATE TABLE crates (id INTEGER PRIMARY KEY, name varchar(48))");
    exec(**db, "CREATE TABLE crate_tracks (crate_id integer, track_id integer)");
    exec(**db, "CREATE TABLE Playlists (id INTEGER PRIMARY KEY, name varchar(48), position integer, hidden integer, date_created datetime)");
    exec(**db, "CREATE TABLE PlaylistTracks (id INTEGER PRIMARY KEY, playlist_id integer, track_id integer, position integer, pl_datetime_added)");
    exec(**db, "INSERT INTO track_locations VALUES (1, '/home/dj/Music/a.flac', 'a.flac', '/home/dj/Music'), (2, '/home/dj/Music/b.mp3', 'b.mp3', '/home/dj/Music')");
    exec(**db, "INSERT INTO library VALUES (10, 'A', 'Alpha', '', 'House', 'c', 1, 44100, 300, 124.0, 'Am', 22, 4, 16711680, X'" +
                   mixxx_beatgrid_hex(124.0, 22050) + "', 'BeatGrid-2.0', 7, 0)");
    exec(**db, "INSERT INTO library VALUES (11, 'B', 'Beta', '', '', '', 2, 48000, 200, 0, '', NULL, 0, NULL, NULL, NULL, 0, 0)");
    exec(**db, "INSERT INTO library VALUES (12, 'Gone', 'Deleted', '', '', '', 2, 48000, 200, 0, '', NULL, 0, NULL, NULL, NULL, 0, 1)");
    // 2 channels: position 88200 samples at 44.1 kHz is 1 s.
    exec(**db, "INSERT INTO cues VALUES (1, 10, 1, 88200, 0, 0, 'Intro', 65280), (2, 10, 4, 441000, 176400, 1, 'Loop', NULL), (3, 99, 1, 0, 0, 0, '', NULL)");
    exec(**db, "INSERT INTO crates VALUES (1, 'Peak')");
    exec(**db, "INSERT INTO crate_tracks VALUES (1, 11), (1, 10)");
    exec(**db, "INSERT INTO Playlists VALUES (1, 'Auto DJ', 0, 1, NULL), (2, 'Favourites', 1, 0, NULL), (3, '2024-05-01', 2, 2, '2024-05-01 21:00:00')");
    exec(**db, "INSERT INTO PlaylistTracks VALUES (1, 2, 11, 1, NULL), (2, 3, 10, 1, '2024-05-01 21:30:00'), (3, 3, 11, 2, '2024-05-01 21:34:00'), (4, 1, 10, 1, NULL)");
  }
  auto lib = read_dj_library(d.file("mixxxdb.sqlite"));
  ASSERT_TRUE(lib) << lib.status().message();
  EXPECT_EQ(lib->source, "mixxx");
  ASSERT_EQ(lib->tracks.size(), 2u);  // the deleted one is not read
  const DjTrack& a = lib->tracks[0];
  EXPECT_EQ(a.path, "/home/dj/Music/a.flac");
  EXPECT_EQ(a.key, "8A");  // key_id 22 = A minor
  EXPECT_EQ(*a.rating, 4);
  EXPECT_EQ(*a.color, 0xFF0000u);
  EXPECT_EQ(a.play_count, 7);
  ASSERT_EQ(a.grid.size(), 1u);
  EXPECT_DOUBLE_EQ(a.grid[0].position_s, 0.5);
  EXPECT_DOUBLE_EQ(a.grid[0].bpm, 124.0);
  ASSERT_EQ(a.cues.size(), 2u);
  EXPECT_DOUBLE_EQ(a.cues[0].position_s, 1.0);
  EXPECT_EQ(a.cues[0].name, "Intro");
  EXPECT_EQ(a.cues[1].kind, "loop");
  EXPECT_DOUBLE_EQ(*a.cues[1].length_s, 2.0);
  EXPECT_FALSE(lib->tracks[1].bpm);
  ASSERT_EQ(lib->lists.size(), 3u);  // the crate, the playlist, the set log (not Auto DJ)
  EXPECT_EQ(lib->lists[0].kind, "crate");
  EXPECT_EQ(lib->lists[0].paths.size(), 2u);
  EXPECT_EQ(lib->lists[1].name, "Favourites");
  EXPECT_EQ(lib->lists[2].kind, "history");
  EXPECT_EQ(lib->lists[2].date, "2024-05-01");
  EXPECT_EQ(lib->lists[2].played_at[1], "2024-05-01T21:34:00Z");
  EXPECT_EQ(lib->warnings.size(), 1u);  // the cue of an unknown track
}

TEST(Mixxx, AnotherSchemaOrNotSqliteIsOneClearError) {
  TempDir d;
  {
    auto db = corpus::Database::open(d.file("other.sqlite"));
    ASSERT_TRUE(db);
    exec(**db, "CREATE TABLE songs (id INTEGER PRIMARY KEY, name TEXT)");
  }
  auto r = read_mixxx_db(d.file("other.sqlite"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("not a Mixxx library"), std::string::npos);
  auto any = read_dj_library(d.file("other.sqlite"));
  ASSERT_FALSE(any);
  EXPECT_NE(any.status().message().find("neither Mixxx"), std::string::npos);
  write_bytes(d.file("fake.sqlite"), "SQLite format 3" + std::string(1, '\0') + std::string(100, 'x'));
  EXPECT_FALSE(read_dj_library(d.file("fake.sqlite")));
  write_bytes(d.file("text.sqlite"), "hello");
  EXPECT_FALSE(read_mixxx_db(d.file("text.sqlite")));
}

TEST(Mixxx, TheProgramsFileIsNeverChanged) {
  TempDir d;
  {
    auto db = corpus::Database::open(d.file("mixxxdb.sqlite"));
    ASSERT_TRUE(db);
    exec(**db, "PRAGMA journal_mode=DELETE");
    exec(**db, "CREATE TABLE track_locations (id INTEGER PRIMARY KEY, location)");
    exec(**db, "CREATE TABLE library (id INTEGER PRIMARY KEY, location integer, title)");
    exec(**db, "INSERT INTO track_locations VALUES (1, '/m/a.mp3')");
    exec(**db, "INSERT INTO library VALUES (1, 1, 'A')");
  }
  const std::string before = test::read_bytes(d.file("mixxxdb.sqlite"));
  auto lib = read_dj_library(d.file("mixxxdb.sqlite"));
  ASSERT_TRUE(lib) << lib.status().message();
  EXPECT_EQ(lib->tracks.size(), 1u);
  EXPECT_EQ(test::read_bytes(d.file("mixxxdb.sqlite")), before);
  EXPECT_FALSE(std::filesystem::exists(d.file("mixxxdb.sqlite-wal")));
  EXPECT_FALSE(std::filesystem::exists(d.file("mixxxdb.sqlite-journal")));
}

TEST(EngineDj, TracksPlaylistsAndHistory) {
  TempDir d;
  std::filesystem::create_directories(d.file("Engine Library/Database2"));
  {
    auto db = corpus::Database::open(d.file("Engine Library/Database2/m.db"));
    ASSERT_TRUE(db);
    exec(**db, "CREATE TABLE Track (id INTEGER PRIMARY KEY, path TEXT, filename TEXT, title TEXT, artist TEXT, album TEXT, genre TEXT, "
               "comment TEXT, bpm INTEGER, bpmAnalyzed REAL, key INTEGER, rating INTEGER, length INTEGER)");
    exec(**db, "CREATE TABLE Playlist (id INTEGER PRIMARY KEY, title TEXT, parentListId INTEGER, nextListId INTEGER)");
    exec(**db, "CREATE TABLE PlaylistEntity (id INTEGER PRIMARY KEY, listId INTEGER, trackId INTEGER, nextEntityId INTEGER)");
    exec(**db, "CREATE TABLE Historylist (id INTEGER PRIMARY KEY, title TEXT)");
    exec(**db, "CREATE TABLE HistorylistEntity (id INTEGER PRIMARY KEY, listId INTEGER, trackId INTEGER, startTime INTEGER)");
    exec(**db, "INSERT INTO Track VALUES (1, '../Music/a.mp3', 'a.mp3', 'A', 'X', '', '', '', 128, 127.9, 1, 80, 300), "
               "(2, '/abs/b.mp3', 'b.mp3', 'B', 'Y', '', '', '', 0, NULL, 19, 0, 200)");
    exec(**db, "INSERT INTO Playlist VALUES (1, 'Gigs', 0, 0), (2, 'Friday', 1, 0)");
    // In id order 1, 2, 3; in the playlist's own order (nextEntityId) 3 -> 1 -> 2 (77 is no track).
    exec(**db, "INSERT INTO PlaylistEntity VALUES (1, 2, 2, 2), (2, 2, 77, 0), (3, 2, 1, 1)");
    exec(**db, "INSERT INTO Historylist VALUES (1, 'Set')");
    exec(**db, "INSERT INTO HistorylistEntity VALUES (1, 1, 1, 1714599000), (2, 1, 2, 1714599240)");
  }
  auto lib = read_dj_library(d.path());
  ASSERT_TRUE(lib) << lib.status().message();
  EXPECT_EQ(lib->source, "engine");
  ASSERT_EQ(lib->tracks.size(), 2u);
  EXPECT_EQ(lib->tracks[0].path, normalize_path(d.path() + "/Music/a.mp3"));
  EXPECT_DOUBLE_EQ(*lib->tracks[0].bpm, 127.9);
  EXPECT_EQ(lib->tracks[0].key, "8A");  // 1 = A minor in Engine's wheel order
  EXPECT_EQ(lib->tracks[1].key, "5A");  // 19 = C minor
  EXPECT_EQ(*lib->tracks[0].rating, 4);
  EXPECT_EQ(lib->tracks[1].path, "/abs/b.mp3");
  ASSERT_EQ(lib->lists.size(), 3u);
  EXPECT_EQ(lib->lists[1].folder, std::vector<std::string>{"Gigs"});
  EXPECT_EQ(lib->lists[1].paths, (std::vector<std::string>{lib->tracks[0].path, "/abs/b.mp3"}));
  EXPECT_EQ(lib->lists[2].kind, "history");
  EXPECT_EQ(lib->lists[2].played_at[1], "2024-05-01T21:34:00Z");
}

TEST(Detect, UnknownFilesAndFoldersGetOneLine) {
  TempDir d;
  write_bytes(d.file("notes.txt"), "hello");
  write_bytes(d.file("other.xml"), "<?xml version=\"1.0\"?><rss/>");
  for (const auto& p : std::vector<std::string>{d.file("notes.txt"), d.file("other.xml"), d.path(), d.file("missing")}) {
    auto r = read_dj_library(p);
    ASSERT_FALSE(r) << p;
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  }
}

TEST(Xml, EscapingKeepsTextAndDropsControlCharacters) {
  EXPECT_EQ(xml_escape("a&b<c>\"d\"\x01"), "a&amp;b&lt;c&gt;&quot;d&quot;");
}

}  // namespace
}  // namespace codex::interop

namespace codex::interop {
namespace {

TEST(Mixxx, ChangesWaitingInTheLogAreReadFromAPrivateCopy) {
  TempDir d;
  auto db = corpus::Database::open(d.file("mixxxdb.sqlite"));  // WAL, kept open: the changes stay in the log
  ASSERT_TRUE(db);
  exec(**db, "PRAGMA wal_autocheckpoint=0");
  exec(**db, "CREATE TABLE track_locations (id INTEGER PRIMARY KEY, location)");
  exec(**db, "CREATE TABLE library (id INTEGER PRIMARY KEY, location integer, title)");
  exec(**db, "INSERT INTO track_locations VALUES (1, '/m/a.mp3')");
  exec(**db, "INSERT INTO library VALUES (1, 1, 'A')");
  ASSERT_GT(std::filesystem::file_size(d.file("mixxxdb.sqlite-wal")), 0u);
  const std::string wal = test::read_bytes(d.file("mixxxdb.sqlite-wal")), main_file = test::read_bytes(d.file("mixxxdb.sqlite"));
  auto lib = read_dj_library(d.file("mixxxdb.sqlite"));
  ASSERT_TRUE(lib) << lib.status().message();
  ASSERT_EQ(lib->tracks.size(), 1u);
  EXPECT_EQ(lib->tracks[0].title, "A");
  EXPECT_EQ(test::read_bytes(d.file("mixxxdb.sqlite-wal")), wal);
  EXPECT_EQ(test::read_bytes(d.file("mixxxdb.sqlite")), main_file) << "no checkpoint into the program's file";
}

TEST(Mixxx, AJournalBesideTheFileIsLeftAlone) {
  test::TempDir d;
  {
    auto db = corpus::Database::open(d.file("mixxxdb.sqlite"));
    ASSERT_TRUE(db);
    exec(**db, "PRAGMA journal_mode=DELETE");
    exec(**db, "CREATE TABLE track_locations (id INTEGER PRIMARY KEY, location)");
    exec(**db, "CREATE TABLE library (id INTEGER PRIMARY KEY, location integer, title)");
    exec(**db, "INSERT INTO track_locations VALUES (1, '/m/a.mp3')");
    exec(**db, "INSERT INTO library VALUES (1, 1, 'A')");
  }
  test::write_bytes(d.file("mixxxdb.sqlite-journal"), std::string(600, 'j'));  // a program mid-write
  const std::string main_file = test::read_bytes(d.file("mixxxdb.sqlite"));
  auto lib = read_dj_library(d.file("mixxxdb.sqlite"));
  ASSERT_TRUE(lib) << lib.status().message();
  EXPECT_EQ(lib->tracks.size(), 1u);
  EXPECT_EQ(test::read_bytes(d.file("mixxxdb.sqlite")), main_file);
  EXPECT_EQ(test::read_bytes(d.file("mixxxdb.sqlite-journal")), std::string(600, 'j'));
}

}  // namespace
}  // namespace codex::interop
