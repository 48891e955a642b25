// audit::Log: the hash-chained audit trail (docs/audit.md). Each record becomes one JSON line whose
// last field, "prev_hash", is the SHA-256 (hex) of the previous line's text; the first line of a
// new chain carries 64 zeros. The line goes to every sink before Append returns, so the caller
// can refuse to answer when it could not be written. Thread-safe: one line at a time, under a lock
// (the chain is one sequence); never call it on an HTTP I/O thread (a file write may block).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "audit/failure_throttle.h"
#include "audit/record.h"
#include "audit/sink.h"
#include "common/status.h"

namespace csms::audit {

inline constexpr std::string_view kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

// The SHA-256 (hex) of a line's text without its newline: the next line's prev_hash.
std::string LineHash(std::string_view line);

// The JSON line of `record` chained to `prev_hash`; sensitive identifiers HMAC-ed under `hmac_key`.
std::string FormatLine(const Record& record, std::string_view hmac_key, std::string_view prev_hash);

// "hmac-sha256:<hex>" of `value` under `key` (Vault's form), "" for "".
std::string Hmac(std::string_view key, std::string_view value);

class Log {
 public:
  // `last_line`: the last line already in the chain (FileSink::LastLine), "" for a new chain.
  Log(std::string hmac_key, std::string_view last_line, FailureLimits failure_limits = {});

  void AddSink(std::unique_ptr<Sink> sink);
  // Writes the record's line to every sink; the chain moves on only when all took it. A failure
  // is kUnavailable (errors::AuditWriteFailed).
  Status Append(const Record& record);
  // A line about a request nobody authenticated for (auth_failure, lockout, a failed login):
  // written as Append does when the rate limit of its source allows (*written true), after a
  // "suppressed" line for what that source had left out; else counted and not written (OK).
  Status AppendThrottled(const Record& record, bool* written);

 private:
  // Writes the line of `record` to every sink; mu_ held.
  Status WriteLocked(const Record& record);
  // The "suppressed" lines due before a line at `now_ms` (failure_throttle.h); mu_ held.
  Status WriteSummaryLocked(const FailureThrottle::Suppressed& s, int64_t now_ms);

  std::string hmac_key_;
  FailureThrottle throttle_;
  std::mutex mu_;
  std::string prev_hash_;  // under mu_
  std::vector<std::unique_ptr<Sink>> sinks_;
};

// The per-installation audit HMAC key: 32 random bytes as 64 hex characters in `path`, created
// 0600 (O_EXCL) when absent.
Status LoadOrCreateKey(const std::string& path, std::string* key);

}  // namespace csms::audit
