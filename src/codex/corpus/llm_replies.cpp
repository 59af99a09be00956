#include "codex/corpus/llm_replies.h"

#include "codex/core/text.h"

namespace codex::corpus {

Status LlmReplyStore::put(const LlmReply& r) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare(
      "INSERT OR REPLACE INTO llm_replies(track_id, model, prompt_version, ok, raw_reply, record, notes, prompt_tokens, "
      "output_tokens, created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  if (!st) return st.status();
  st->bind(1, r.track_id).bind(2, r.model).bind(3, r.prompt_version).bind(4, r.ok ? 1 : 0).bind(5, r.raw_reply);
  st->bind(6, r.record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  st->bind(7, r.notes.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  st->bind(8, r.prompt_tokens).bind(9, r.output_tokens).bind(10, utc_now_iso8601());
  return st->run();
}

Result<bool> LlmReplyStore::has(const std::string& track_id, const std::string& model, const std::string& prompt_version) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT 1 FROM llm_replies WHERE track_id=?1 AND model=?2 AND prompt_version=?3 AND ok=1");
  if (!st) return st.status();
  st->bind(1, track_id).bind(2, model).bind(3, prompt_version);
  if (st->step()) return true;
  if (!st->status()) return st->status();
  return false;
}

Result<std::optional<LlmRecord>> LlmReplyStore::newest(const std::string& track_id) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare(
      "SELECT record, model FROM llm_replies WHERE track_id=?1 AND ok=1 ORDER BY created_at DESC LIMIT 1");
  if (!st) return st.status();
  st->bind(1, track_id);
  if (!st->step()) {
    if (!st->status()) return st->status();
    return std::optional<LlmRecord>();
  }
  auto j = nlohmann::json::parse(st->text(0), nullptr, false);
  if (!j.is_object()) return std::optional<LlmRecord>();
  return std::optional<LlmRecord>(LlmRecord{std::move(j), st->text(1)});
}

}  // namespace codex::corpus
