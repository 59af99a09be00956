#include "codex/library/scan.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "support/test_util.h"

namespace codex::library {
namespace {

namespace fs = std::filesystem;

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(Scan, Extensions) {
  EXPECT_TRUE(has_audio_extension("/a/b.MP3"));
  EXPECT_TRUE(has_audio_extension("x.flac"));
  EXPECT_TRUE(has_audio_extension("x.m4a"));
  EXPECT_TRUE(has_audio_extension("x.opus"));
  EXPECT_FALSE(has_audio_extension("cover.jpg"));
  EXPECT_FALSE(has_audio_extension("mp3"));
}

TEST(Scan, WalksFoldersAndReportsWhatCannotBeRead) {
  test::TempDir dir;
  fs::create_directories(dir.file("a/b/c"));
  fs::create_directories(dir.file("x.wav"));  // a folder with an audio name is a folder
  test::write_bytes(dir.file("a/one.mp3"), "x");
  test::write_bytes(dir.file("a/b/c/two.FLAC"), "x");
  test::write_bytes(dir.file("a/cover.jpg"), "x");
  test::write_bytes(dir.file("x.wav/inside.wav"), "x");
  const std::string weird = dir.file("caf\xe9\xff.wav");
  test::write_bytes(weird, "x");
  ASSERT_EQ(mkfifo(dir.file("pipe.mp3").c_str(), 0600), 0);
  fs::create_symlink(dir.file("gone.mp3"), dir.file("dangling.mp3"));
  fs::create_symlink(dir.file("gone.jpg"), dir.file("a/cover-link.jpg"));  // not audio: not a problem
  fs::create_directory_symlink(dir.path(), dir.file("a/loop"));  // must not be followed

  const ScanResult r = scan_paths({dir.path(), dir.file("missing-folder")});
  EXPECT_EQ(r.files.size(), 4u);
  EXPECT_TRUE(contains(r.files, dir.file("a/one.mp3")));
  EXPECT_TRUE(contains(r.files, dir.file("a/b/c/two.FLAC")));
  EXPECT_TRUE(contains(r.files, dir.file("x.wav/inside.wav")));
  EXPECT_TRUE(contains(r.files, weird));
  std::vector<std::string> problem_paths;
  for (const auto& [p, why] : r.problems) problem_paths.push_back(p);
  EXPECT_TRUE(contains(problem_paths, dir.file("pipe.mp3")));
  EXPECT_TRUE(contains(problem_paths, dir.file("dangling.mp3")));
  EXPECT_TRUE(contains(problem_paths, dir.file("missing-folder")));
  EXPECT_EQ(r.problems.size(), 3u);
}

TEST(Scan, ExplicitFilesAreTakenWhateverTheirNameAndDeduplicated) {
  test::TempDir dir;
  test::write_bytes(dir.file("track.bin"), "x");
  const std::string rel = fs::relative(dir.file("track.bin")).string();
  const ScanResult r = scan_paths({dir.file("track.bin"), rel, dir.path() + "/./track.bin"});
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0], dir.file("track.bin"));
}

}  // namespace
}  // namespace codex::library
