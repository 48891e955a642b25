#include "audit/sink.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace csms::audit {
namespace {

Status Errno(const std::string& what) {
  return Status::Failure(Status::Kind::kUnavailable, what + ": " + std::strerror(errno));
}

std::string RotatedName(const std::string& path, int index) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, ".%06d", index);
  return path + suffix;
}

// The highest NNNNNN of the PATH.NNNNNN files beside `path` (0 when none).
int HighestRotatedIndex(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  std::string base = (slash == std::string::npos ? path : path.substr(slash + 1)) + ".";
  int highest = 0;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return 0;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() != base.size() + 6 || name.compare(0, base.size(), base) != 0) continue;
    std::string digits = name.substr(base.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
    highest = std::max(highest, std::stoi(digits));
  }
  ::closedir(d);
  return highest;
}

// The last complete line of the file at `path` ("" when it has none); false when unreadable.
bool LastLineOf(const std::string& path, std::string* out) {
  out->clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT;
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return false;
  }
  // Lines are a few hundred bytes (every field is capped); the tail holds the last one whole.
  const off_t kTail = 64 * 1024;
  off_t start = st.st_size > kTail ? st.st_size - kTail : 0;
  std::string buf(static_cast<size_t>(st.st_size - start), '\0');
  ssize_t n = ::pread(fd, buf.data(), buf.size(), start);
  ::close(fd);
  if (n < 0) return false;
  buf.resize(static_cast<size_t>(n));
  while (!buf.empty() && buf.back() == '\n') buf.pop_back();
  size_t nl = buf.rfind('\n');
  *out = nl == std::string::npos ? buf : buf.substr(nl + 1);
  return true;
}

}  // namespace

Status FileSink::Open(const std::string& path, int64_t max_bytes, std::unique_ptr<FileSink>* out) {
  std::unique_ptr<FileSink> sink(new FileSink(path, max_bytes));
  sink->next_index_ = HighestRotatedIndex(path) + 1;
  CSMS_RETURN_IF_ERROR(sink->OpenCurrent());
  *out = std::move(sink);
  return Status::OK();
}

FileSink::~FileSink() {
  if (fd_ >= 0) ::close(fd_);
}

Status FileSink::OpenCurrent() {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return Errno("cannot open audit file " + path_);
  struct stat st;
  if (::fstat(fd_, &st) != 0) return Errno("cannot stat audit file " + path_);
  size_ = S_ISREG(st.st_mode) ? st.st_size : 0;
  return Status::OK();
}

Status FileSink::Rotate() {
  std::string rotated = RotatedName(path_, next_index_);
  if (::rename(path_.c_str(), rotated.c_str()) != 0) return Errno("cannot rotate audit file " + path_);
  ++next_index_;
  ::close(fd_);
  fd_ = -1;
  return OpenCurrent();
}

Status FileSink::Write(std::string_view line) {
  if (fd_ < 0) CSMS_RETURN_IF_ERROR(OpenCurrent());
  std::string text;
  text.reserve(line.size() + 1);
  text.append(line).push_back('\n');
  if (max_bytes_ > 0 && size_ > 0 && size_ + static_cast<int64_t>(text.size()) > max_bytes_) {
    CSMS_RETURN_IF_ERROR(Rotate());
  }
  ssize_t n = ::write(fd_, text.data(), text.size());
  if (n < 0) return Errno("cannot write audit file " + path_);
  size_ += n;
  if (static_cast<size_t>(n) != text.size()) {
    return Status::Failure(Status::Kind::kUnavailable, "short write to audit file " + path_);
  }
  return Status::OK();
}

Status FileSink::LastLine(const std::string& path, std::string* out) {
  if (!LastLineOf(path, out)) return Errno("cannot read audit file " + path);
  if (!out->empty()) return Status::OK();
  int highest = HighestRotatedIndex(path);
  if (highest == 0) return Status::OK();
  std::string rotated = RotatedName(path, highest);
  if (!LastLineOf(rotated, out)) return Errno("cannot read audit file " + rotated);
  return Status::OK();
}

SyslogSink::SyslogSink() { ::openlog("csmsd-audit", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV); }

SyslogSink::~SyslogSink() { ::closelog(); }

Status SyslogSink::Write(std::string_view line) {
  ::syslog(LOG_AUTHPRIV | LOG_INFO, "%.*s", static_cast<int>(line.size()), line.data());
  return Status::OK();
}

}  // namespace csms::audit
