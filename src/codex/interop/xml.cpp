#include "codex/interop/xml.h"
#include "codex/core/files.h"

#include <expat.h>

#include <cstring>
#include <fstream>

namespace codex::interop {

std::string_view XmlElement::attr(std::string_view key) const {
  for (const char** a = attrs; a && a[0]; a += 2) {
    if (key == a[0]) return a[1];
  }
  return {};
}

bool XmlElement::has(std::string_view key) const {
  for (const char** a = attrs; a && a[0]; a += 2) {
    if (key == a[0]) return true;
  }
  return false;
}

namespace {

struct State {
  XML_Parser parser = nullptr;
  const XmlHandler* handler = nullptr;
  const XmlLimits* limits = nullptr;
  size_t depth = 0;
  std::string error;
  void fail(std::string why) {
    if (error.empty()) error = std::move(why);
    XML_StopParser(parser, XML_FALSE);
  }
};

void on_start(void* user, const XML_Char* name, const XML_Char** attrs) {
  auto* s = static_cast<State*>(user);
  if (!s->error.empty()) return;
  if (++s->depth > s->limits->max_depth) return s->fail("elements nested deeper than " + std::to_string(s->limits->max_depth));
  for (const char** a = attrs; a[0]; a += 2) {
    if (std::strlen(a[1]) > s->limits->max_attribute_bytes) return s->fail(std::string("attribute ") + a[0] + " is too long");
  }
  if (s->handler->start) s->handler->start(XmlElement{name, attrs, s->depth});
}

void on_end(void* user, const XML_Char* name) {
  auto* s = static_cast<State*>(user);
  if (!s->error.empty()) return;
  if (s->handler->end) s->handler->end(name, s->depth);
  --s->depth;
}

// Any DTD at all is refused: DJ programs never write one, and it is how entity expansion attacks come.
void on_doctype(void* user, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  static_cast<State*>(user)->fail("a DOCTYPE (DTD) is not accepted");
}
void on_entity(void* user, const XML_Char*, int, const XML_Char*, int, const XML_Char*, const XML_Char*,
               const XML_Char*, const XML_Char*) {
  static_cast<State*>(user)->fail("an entity declaration is not accepted");
}

class Parser {
 public:
  Parser(const XmlHandler& h, const XmlLimits& l) {
    state_.parser = XML_ParserCreate("UTF-8");
    state_.handler = &h;
    state_.limits = &l;
    XML_SetUserData(state_.parser, &state_);
    XML_SetElementHandler(state_.parser, on_start, on_end);
    XML_SetStartDoctypeDeclHandler(state_.parser, on_doctype);
    XML_SetEntityDeclHandler(state_.parser, on_entity);
    XML_SetParamEntityParsing(state_.parser, XML_PARAM_ENTITY_PARSING_NEVER);
  }
  ~Parser() { XML_ParserFree(state_.parser); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  Status feed(const char* data, size_t n, bool last) {
    if (XML_Parse(state_.parser, data, static_cast<int>(n), last ? XML_TRUE : XML_FALSE) == XML_STATUS_ERROR ||
        !state_.error.empty()) {
      const auto line = XML_GetCurrentLineNumber(state_.parser);
      std::string why = state_.error.empty() ? XML_ErrorString(XML_GetErrorCode(state_.parser)) : state_.error;
      return Status::Error("not well-formed XML at line " + std::to_string(line) + ": " + why);
    }
    return Status::Ok();
  }

 private:
  State state_;
};

}  // namespace

Status parse_xml_text(std::string_view text, const XmlHandler& handler, const XmlLimits& limits) {
  Parser p(handler, limits);
  constexpr size_t kChunk = 1 << 20;
  size_t at = 0;
  do {
    const size_t n = std::min(kChunk, text.size() - at);
    if (Status s = p.feed(text.data() + at, n, at + n >= text.size()); !s) return s;
    at += n;
  } while (at < text.size());
  return Status::Ok();
}

Status parse_xml_file(const std::string& path, const XmlHandler& handler, const XmlLimits& limits) {
  if (Status s = files::require_regular(path, "the file"); !s) return s;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot open " + path);
  Parser p(handler, limits);
  std::vector<char> buf(1 << 20);
  while (true) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<size_t>(in.gcount());
    const bool last = n < buf.size();
    if (Status s = p.feed(buf.data(), n, last); !s) return Status::Error(path + ": " + s.message());
    if (last) break;
  }
  if (in.bad()) return Status::Error("cannot read " + path);
  return Status::Ok();
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;  // not allowed in XML 1.0
        out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace codex::interop
