#include "codex/interop/tags.h"

#include <fcntl.h>
#include <unistd.h>

#include <taglib/aifffile.h>
#include <taglib/fileref.h>
#include <taglib/flacfile.h>
#include <taglib/generalencapsulatedobjectframe.h>
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

Status write_dj_tags(const std::string& path, const TagValues& values, const std::function<Status(const std::string&)>& verify) {
  std::error_code ec;
  const fs::path p(path);
  if (!fs::is_regular_file(p, ec)) return Status::Error(path + ": not a file");
  std::string hidden = p.filename().string();
  hidden.insert(hidden.begin(), '.');
  hidden += ".codex-tag";
  const fs::path copy = p.parent_path() / hidden;
  fs::remove(copy, ec);
  fs::copy_file(p, copy, ec);  // contents and permission bits
  if (ec) return Status::Error("cannot copy " + path + " to tag it: " + ec.message());
  auto fail = [&](const std::string& why) {
    std::error_code ignore;
    fs::remove(copy, ignore);
    return Status::Error(path + ": " + why);
  };
  {
    TagLib::FileRef f(copy.c_str(), false);
    if (f.isNull() || !f.file() || !f.file()->isValid()) return fail("TagLib cannot write this file's tags");
    if (f.file()->readOnly()) return fail("the file cannot be written");
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
    if (!f.file()->save()) return fail("TagLib could not save the tags");
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
