// Where audit lines go. A sink writes one complete line (no newline) or says why it could not;
// audit::Log calls its sinks in order, under its own lock, one line at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace csms::audit {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status Write(std::string_view line) = 0;
};

// An append-only file, rotated by size: when a line would take the file past `max_bytes` (and it
// holds at least one line), the file is renamed PATH.NNNNNN (the next free six-digit number, so
// the names sort oldest first) and a new PATH is started. Each line is one write(2) with O_APPEND;
// no fsync (a line is in the kernel before the answer leaves; docs/audit.md).
class FileSink final : public Sink {
 public:
  // Opens (creates 0600) `path`; `max_bytes` 0 = never rotate.
  static Status Open(const std::string& path, int64_t max_bytes, std::unique_ptr<FileSink>* out);
  ~FileSink() override;
  Status Write(std::string_view line) override;

  // The last complete line of the chain already on disk (the newest of PATH and its rotated
  // files), or "" when there is none: where a restarted server continues the chain.
  static Status LastLine(const std::string& path, std::string* out);

 private:
  FileSink(std::string path, int64_t max_bytes) : path_(std::move(path)), max_bytes_(max_bytes) {}
  Status OpenCurrent();
  Status Rotate();

  std::string path_;
  int64_t max_bytes_;
  int fd_ = -1;
  int64_t size_ = 0;
  int next_index_ = 1;  // of the next rotated file
};

// syslog(3), facility LOG_AUTHPRIV, ident "csmsd-audit". syslog reports no failure, so this sink
// never fails; pair it with --audit-file where a failed write must fail the request.
class SyslogSink final : public Sink {
 public:
  SyslogSink();
  ~SyslogSink() override;
  Status Write(std::string_view line) override;
};

}  // namespace csms::audit
