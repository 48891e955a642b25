#include "audit/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "common/errors.h"
#include "common/time_format.h"
#include "common/utf8.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "json/writer.h"

namespace csms::audit {
namespace {

// Every text the caller chose is cut to this many bytes: a line stays small whatever was sent.
constexpr size_t kMaxFieldBytes = 256;
// The path is cut shorter (a client chooses all of it, and an unauthenticated one may send many).
constexpr size_t kMaxPathBytes = 128;
// "suppressed" lines written before one line, at most (the rest wait for the next line).
constexpr size_t kMaxSummariesPerLine = 16;

void Text(json::Writer& w, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  w.Field(key, utf8::Truncate(value, kMaxFieldBytes));
}

// `path` cut to kMaxPathBytes (whole characters) with "…" when it was longer.
std::string ShortPath(std::string_view path) {
  if (path.size() <= kMaxPathBytes) return std::string(path);
  return std::string(utf8::Truncate(path, kMaxPathBytes)) + "\u2026";
}

}  // namespace

std::string LineHash(std::string_view line) { return crypto::Sha256Hex(line); }

std::string Hmac(std::string_view key, std::string_view value) {
  if (value.empty()) return "";
  return "hmac-sha256:" + crypto::HmacSha256Hex(key, value);
}

std::string FormatLine(const Record& r, std::string_view hmac_key, std::string_view prev_hash) {
  json::Writer w;
  w.StartObject();
  w.Field("time", FormatIso8601Millis(r.time_ms));
  w.Field("type", r.type);
  if (r.type == "suppressed") {
    Text(w, "source", r.source);
    w.Field("suppressed", r.suppressed);
    w.Field("message", std::to_string(r.suppressed) + " further auth failures from " +
                           std::string(utf8::Truncate(r.source, kMaxFieldBytes)) + " suppressed");
    w.Field("prev_hash", prev_hash);
    w.EndObject();
    return w.Take();
  }
  Text(w, "request_id", r.request_id);
  Text(w, "source", r.source);
  Text(w, "method", r.method);
  if (!r.path.empty()) w.Field("path", ShortPath(r.path));
  Text(w, "action", r.action);
  w.Key("principal").StartObject();
  w.Field("auth", r.auth.empty() ? std::string_view("none") : std::string_view(r.auth));
  Text(w, "user_id", r.user_id);
  Text(w, "user_name", r.user_name);
  Text(w, "domain_id", r.domain_id);
  Text(w, "domain_name", r.domain_name);
  Text(w, "access_key", r.access_key);
  if (r.temporary_credential) w.Field("temporary_credential", true);
  if (!r.token.empty()) w.Field("token_hmac", Hmac(hmac_key, r.token));
  if (!r.security_token.empty()) w.Field("security_token_hmac", Hmac(hmac_key, r.security_token));
  w.EndObject();
  if (!r.project.empty() || !r.secret.empty() || !r.version.empty() || !r.event.empty()) {
    w.Key("resource").StartObject();
    Text(w, "project", r.project);
    Text(w, "secret", r.secret);
    Text(w, "version", r.version);
    Text(w, "event", r.event);
    w.EndObject();
  }
  if (r.type != "request") {
    w.Field("outcome", r.status >= 200 && r.status < 400 ? "success" : "failure");
    w.Field("status", r.status);
    if (r.error_code.empty()) {
      w.Key("error_code").Null();
    } else {
      w.Field("error_code", r.error_code);
    }
  }
  w.Field("prev_hash", prev_hash);
  w.EndObject();
  return w.Take();
}

Log::Log(std::string hmac_key, std::string_view last_line, FailureLimits failure_limits)
    : hmac_key_(std::move(hmac_key)),
      throttle_(failure_limits),
      prev_hash_(last_line.empty() ? std::string(kGenesisHash) : LineHash(last_line)) {}

void Log::AddSink(std::unique_ptr<Sink> sink) { sinks_.push_back(std::move(sink)); }

Status Log::Append(const Record& record) {
  std::vector<FailureThrottle::Suppressed> stale = throttle_.TakeStale(record.time_ms, kMaxSummariesPerLine);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : stale) CSMS_RETURN_IF_ERROR(WriteSummaryLocked(s, record.time_ms));
  return WriteLocked(record);
}

Status Log::AppendThrottled(const Record& record, bool* written) {
  FailureThrottle::Suppressed before;
  *written = throttle_.Admit(record.source, record.time_ms, &before);
  if (!*written) return Status::OK();
  std::vector<FailureThrottle::Suppressed> stale = throttle_.TakeStale(record.time_ms, kMaxSummariesPerLine);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : stale) CSMS_RETURN_IF_ERROR(WriteSummaryLocked(s, record.time_ms));
  if (before.count > 0) CSMS_RETURN_IF_ERROR(WriteSummaryLocked(before, record.time_ms));
  return WriteLocked(record);
}

Status Log::WriteSummaryLocked(const FailureThrottle::Suppressed& s, int64_t now_ms) {
  Record summary;
  summary.time_ms = now_ms;
  summary.type = "suppressed";
  summary.source = s.source;
  summary.suppressed = s.count;
  return WriteLocked(summary);
}

Status Log::WriteLocked(const Record& record) {
  std::string line = FormatLine(record, hmac_key_, prev_hash_);
  for (auto& sink : sinks_) {
    Status s = sink->Write(line);
    if (!s.ok()) return errors::AuditWriteFailed("the audit log cannot be written: " + s.message());
  }
  prev_hash_ = LineHash(line);
  return Status::OK();
}

Status LoadOrCreateKey(const std::string& path, std::string* key) {
  std::ifstream in(path);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    std::optional<std::string> bytes = text.size() == 64 ? crypto::HexDecode(text) : std::nullopt;
    if (!bytes) return errors::InvalidParameter("audit key file " + path + " must hold 64 hex characters");
    *key = std::move(*bytes);
    return Status::OK();
  }
  std::string bytes = crypto::RandomBytes(32);
  std::string text = crypto::HexEncode(bytes) + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errors::Internal("cannot create audit key file " + path);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return errors::Internal("cannot write audit key file " + path);
  *key = std::move(bytes);
  return Status::OK();
}

}  // namespace csms::audit
