#include "codex/interop/tags.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <taglib/aifffile.h>
#include <taglib/fileref.h>
#include <taglib/flacfile.h>
#include <taglib/generalencapsulatedobjectframe.h>
#include <taglib/id3v2header.h>
#include <taglib/id3v2tag.h>
#include <taglib/mpegfile.h>
#include <taglib/wavfile.h>
#include <taglib/xiphcomment.h>
#include <taglib/mp4file.h>
#include <taglib/mp4tag.h>
#include <taglib/tfile.h>
#include <taglib/tpropertymap.h>

#include <filesystem>

namespace codex::interop {

namespace fs = std::filesystem;

namespace {

// TagLib's property names for CODEX's fields. ENERGYLEVEL is the name DJ tools use for an energy
// level (a TXXX frame in ID3, a Vorbis comment); formats without free-form fields drop it.
const std::map<std::string, std::string>& property_of() {
  static const std::map<std::string, std::string> m = {
      {"key", "INITIALKEY"}, {"bpm", "BPM"}, {"comment", "COMMENT"}, {"energy", "ENERGYLEVEL"}};
  return m;
}

// MP4 keeps key and energy in iTunes' free-form atoms, which TagLib 1.13's property interface does
// not map: they are read and written as items.
const std::map<std::string, std::string>& mp4_freeform() {
  static const std::map<std::string, std::string> m = {{"key", "----:com.apple.iTunes:initialkey"},
                                                       {"energy", "----:com.apple.iTunes:ENERGYLEVEL"}};
  return m;
}

Status sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return Status::Error("cannot open " + path + " to flush it");
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::Error("cannot flush " + path + " to disk");
}

}  // namespace

Result<TagValues> read_dj_tags(const std::string& path) {
  TagLib::FileRef f(path.c_str(), false);
  if (f.isNull() || !f.file() || !f.file()->isValid()) return Status::Error(path + ": TagLib cannot read this file's tags");
  const TagLib::PropertyMap props = f.file()->properties();
  TagValues out;
  for (const auto& [field, prop] : property_of()) {
    auto it = props.find(prop);
    out[field] = it == props.end() || it->second.isEmpty() ? "" : it->second.front().to8Bit(true);
  }
  if (auto* mp4 = dynamic_cast<TagLib::MP4::File*>(f.file()); mp4 && mp4->tag()) {
    for (const auto& [field, atom] : mp4_freeform()) {
      if (!out[field].empty() || !mp4->tag()->contains(atom)) continue;
      const TagLib::StringList v = mp4->tag()->item(atom).toStringList();
      if (!v.isEmpty()) out[field] = v.front().to8Bit(true);
    }
  }
  return out;
}

namespace {

// Saves only the tags the file already has (plus ID3v2 where the fields live), in the ID3v2 version
// it already uses (2.3 for a new tag: what every DJ program reads), stripping and copying nothing.
bool save_as_it_was(TagLib::File* file, int id3_before, bool had_id3v1, bool had_ape) {
  const auto version = id3_before == 4 ? TagLib::ID3v2::v4 : TagLib::ID3v2::v3;
  if (auto* mp3 = dynamic_cast<TagLib::MPEG::File*>(file)) {
    int tags = TagLib::MPEG::File::ID3v2;
    if (had_id3v1) tags |= TagLib::MPEG::File::ID3v1;
    if (had_ape) tags |= TagLib::MPEG::File::APE;
    return mp3->save(tags, TagLib::File::StripNone, version, TagLib::File::DoNotDuplicate);
  }
  if (auto* wav = dynamic_cast<TagLib::RIFF::WAV::File*>(file)) {
    return wav->save(TagLib::RIFF::WAV::File::AllTags, TagLib::File::StripNone, version);
  }
  if (auto* aiff = dynamic_cast<TagLib::RIFF::AIFF::File*>(file)) return aiff->save(version);
  return file->save();
}

// The ID3v2 major version a file's tag has now (0: none).
int id3_version(TagLib::File* file) {
  TagLib::ID3v2::Tag* tag = nullptr;
  if (auto* mp3 = dynamic_cast<TagLib::MPEG::File*>(file)) tag = mp3->hasID3v2Tag() ? mp3->ID3v2Tag() : nullptr;
  else if (auto* wav = dynamic_cast<TagLib::RIFF::WAV::File*>(file)) tag = wav->hasID3v2Tag() ? wav->ID3v2Tag() : nullptr;
  else if (auto* aiff = dynamic_cast<TagLib::RIFF::AIFF::File*>(file)) tag = aiff->hasID3v2Tag() ? aiff->tag() : nullptr;
  return tag && tag->header() ? static_cast<int>(tag->header()->majorVersion()) : 0;
}

}  // namespace

Status write_dj_tags(const std::string& given, const TagValues& values, const std::function<Status(const std::string&)>& verify) {
  std::error_code ec;
  // A link is followed to the file it names: that file is tagged, the link stays a link.
  const fs::path p = fs::canonical(given, ec);
  const std::string path = given;
  if (ec || !fs::is_regular_file(p, ec)) return Status::Error(path + ": not a file");
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return Status::Error(path + ": cannot read it");
  if (st.st_nlink > 1) {
    return Status::Error(path + ": has " + std::to_string(st.st_nlink) + " hard links; tagging a copy would split them (not tagged)");
  }
  std::string hidden = p.filename().string();
  hidden.insert(hidden.begin(), '.');
  hidden += ".codex-tag";
  const fs::path copy = p.parent_path() / hidden;
  fs::remove(copy, ec);
  fs::copy_file(p, copy, ec);  // contents and permission bits
  if (ec) return Status::Error("cannot copy " + path + " to tag it: " + ec.message());
  // The same owner as the file it replaces, or no replacing.
  if (::chown(copy.c_str(), st.st_uid, st.st_gid) != 0) {
    struct stat cs {};
    if (::stat(copy.c_str(), &cs) != 0 || cs.st_uid != st.st_uid || cs.st_gid != st.st_gid) {
      fs::remove(copy, ec);
      return Status::Error(path + ": belongs to another user; its owner could not be kept (not tagged)");
    }
  }
  auto fail = [&](const std::string& why) {
    std::error_code ignore;
    fs::remove(copy, ignore);
    return Status::Error(path + ": " + why);
  };
  {
    TagLib::FileRef f(copy.c_str(), false);
    if (f.isNull() || !f.file() || !f.file()->isValid()) return fail("TagLib cannot write this file's tags");
    if (f.file()->readOnly()) return fail("the file cannot be written");
    const int id3_before = id3_version(f.file());
    bool had_id3v1 = false, had_ape = false;
    if (auto* mp3 = dynamic_cast<TagLib::MPEG::File*>(f.file())) had_id3v1 = mp3->hasID3v1Tag(), had_ape = mp3->hasAPETag();
    TagLib::PropertyMap props = f.file()->properties();
    for (const auto& [field, value] : values) {
      auto it = property_of().find(field);
      if (it == property_of().end()) return fail("no tag field called " + field);
      if (value.empty()) props.erase(it->second);
      else props.replace(it->second, TagLib::StringList(TagLib::String(value, TagLib::String::UTF8)));
    }
    f.file()->setProperties(props);
    if (auto* mp4 = dynamic_cast<TagLib::MP4::File*>(f.file()); mp4 && mp4->tag()) {
      for (const auto& [field, value] : values) {
        auto atom = mp4_freeform().find(field);
        if (atom == mp4_freeform().end()) continue;
        if (value.empty()) mp4->tag()->removeItem(atom->second);
        else mp4->tag()->setItem(atom->second, TagLib::StringList(TagLib::String(value, TagLib::String::UTF8)));
      }
    }
    if (!save_as_it_was(f.file(), id3_before, had_id3v1, had_ape)) return fail("TagLib could not save the tags");
  }
  if (verify) {
    if (Status s = verify(copy.string()); !s) return fail(s.message());
  }
  if (Status s = sync_file(copy.string()); !s) return fail(s.message());
  fs::rename(copy, p, ec);
  if (ec) return fail("cannot replace the file: " + ec.message());
  // The rename itself reaches the disk with its folder.
  const int dir = ::open(p.parent_path().empty() ? "." : p.parent_path().c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

namespace {

const std::map<std::string, std::pair<std::string, std::string>>& serato_names() {
  // object name -> (Vorbis comment, MP4 atom)
  static const std::map<std::string, std::pair<std::string, std::string>> m = {
      {"Serato BeatGrid", {"SERATO_BEATGRID", "----:com.serato.dj:beatgrid"}},
      {"Serato Markers2", {"SERATO_MARKERS_V2", "----:com.serato.dj:markersv2"}},
      {"Serato Autotags", {"SERATO_AUTOTAGS", "----:com.serato.dj:autotags"}}};
  return m;
}

void from_id3(TagLib::ID3v2::Tag* tag, std::map<std::string, std::string>& out) {
  if (!tag) return;
  for (auto* frame : tag->frameList("GEOB")) {
    auto* geob = dynamic_cast<TagLib::ID3v2::GeneralEncapsulatedObjectFrame*>(frame);
    if (!geob) continue;
    const std::string name = geob->description().to8Bit(true);
    if (!serato_names().count(name)) continue;
    const TagLib::ByteVector v = geob->object();
    out[name] = std::string(v.data(), v.size());
  }
}

// The base64 text of a Vorbis comment or MP4 atom: "application/octet-stream\0\0<name>\0<payload>".
void from_base64(const std::string& name, const TagLib::String& text, std::map<std::string, std::string>& out) {
  std::string b64;
  for (char c : text.to8Bit(false)) {
    if (c != '\n' && c != '\r' && c != ' ') b64.push_back(c);
  }
  while (b64.size() % 4) b64.push_back('=');
  const TagLib::ByteVector raw = TagLib::ByteVector::fromBase64(TagLib::ByteVector(b64.data(), static_cast<unsigned>(b64.size())));
  const std::string bytes(raw.data(), raw.size());
  const std::string head = std::string("application/octet-stream") + '\0' + '\0' + name + '\0';
  if (bytes.compare(0, head.size(), head) == 0) out[name] = bytes.substr(head.size());
}

}  // namespace

std::map<std::string, std::string> read_serato_objects(const std::string& path) {
  std::map<std::string, std::string> out;
  TagLib::FileRef f(path.c_str(), false);
  if (f.isNull() || !f.file() || !f.file()->isValid()) return out;
  if (auto* mp3 = dynamic_cast<TagLib::MPEG::File*>(f.file())) {
    from_id3(mp3->ID3v2Tag(false), out);
  } else if (auto* aiff = dynamic_cast<TagLib::RIFF::AIFF::File*>(f.file())) {
    from_id3(aiff->tag(), out);
  } else if (auto* wav = dynamic_cast<TagLib::RIFF::WAV::File*>(f.file())) {
    from_id3(wav->ID3v2Tag(), out);
  } else if (auto* flac = dynamic_cast<TagLib::FLAC::File*>(f.file())) {
    if (auto* x = flac->xiphComment(false)) {
      for (const auto& [name, names] : serato_names()) {
        const auto& fields = x->fieldListMap();
        auto it = fields.find(names.first);
        if (it != fields.end() && !it->second.isEmpty()) from_base64(name, it->second.front(), out);
      }
    }
  } else if (auto* mp4 = dynamic_cast<TagLib::MP4::File*>(f.file()); mp4 && mp4->tag()) {
    for (const auto& [name, names] : serato_names()) {
      if (!mp4->tag()->contains(names.second)) continue;
      const TagLib::StringList v = mp4->tag()->item(names.second).toStringList();
      if (!v.isEmpty()) from_base64(name, v.front(), out);
    }
  }
  return out;
}

}  // namespace codex::interop
