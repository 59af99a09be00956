// One error policy for the whole library: functions at module boundaries return a Status or a
// Result<T>; nothing throws across a module boundary. Messages are one line, written for users.
// Each error carries a code, set where the error arises: front ends choose an HTTP status or an
// exit status from the code, never from the message's words.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace codex {

enum class Code {
  kOk,
  kFailed,     // anything not named below
  kInvalid,    // the request itself is wrong (a value out of range, a malformed file given as input)
  kNotFound,   // what was asked for does not exist (no such track, crate, job)
  kAmbiguous,  // a reference matches more than one thing
  kCorrupt,    // stored data is damaged
  kIo,         // the file system or the database failed
  kBusy,       // another job holds what is needed; try later
  kCancelled,  // stopped on request
};

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(Code::kFailed, std::move(message)); }
  static Status Error(Code code, std::string message) {
    return Status(code == Code::kOk ? Code::kFailed : code, std::move(message));
  }
  static Status Invalid(std::string message) { return Status(Code::kInvalid, std::move(message)); }
  static Status NotFound(std::string message) { return Status(Code::kNotFound, std::move(message)); }
  static Status Ambiguous(std::string message) { return Status(Code::kAmbiguous, std::move(message)); }
  static Status Corrupt(std::string message) { return Status(Code::kCorrupt, std::move(message)); }
  static Status Io(std::string message) { return Status(Code::kIo, std::move(message)); }
  static Status Busy(std::string message) { return Status(Code::kBusy, std::move(message)); }
  static Status Cancelled(std::string message) { return Status(Code::kCancelled, std::move(message)); }

  bool ok() const { return !message_.has_value(); }
  explicit operator bool() const { return ok(); }
  Code code() const { return code_; }
  const std::string& message() const {
    static const std::string kEmpty;
    return message_ ? *message_ : kEmpty;
  }
  // The same error with `prefix` before its message (the code kept).
  Status with_context(const std::string& prefix) const {
    return ok() ? *this : Status(code_, prefix + *message_);
  }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::optional<std::string> message_;
};

// A value or an error Status (a small stand-in for C++23 std::expected).
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Status error) : v_(std::move(error)) {        // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace codex
