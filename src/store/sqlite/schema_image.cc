#include "store/sqlite/schema_image.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/errors.h"
#include "sqlite_schema_image.h"  // generated (cmake/sqlite_schema_image.cc)

namespace csms::sqlite {
namespace {

Status Failed(const std::string& what, const std::string& path) {
  return errors::Internal("cannot " + what + " " + path + ": " + std::strerror(errno));
}

Status Fill(int fd, const std::string& path, bool durable) {
  // The zeros between the runs are holes of the file: read back as zeros, as SQLite expects.
  if (::ftruncate(fd, static_cast<off_t>(generated::kSqliteSchemaImageSize)) != 0) return Failed("size", path);
  for (const auto& run : generated::kSqliteSchemaImageRuns) {
    size_t done = 0;
    while (done < run.bytes.size()) {
      ssize_t n = ::pwrite(fd, run.bytes.data() + done, run.bytes.size() - done, static_cast<off_t>(run.offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Failed("write", path);
      done += static_cast<size_t>(n);
    }
  }
  if (durable && ::fdatasync(fd) != 0) return Failed("sync", path);
  return Status::OK();
}

Status SyncDirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Failed("open", dir);
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::OK() : Failed("sync", dir);
}

}  // namespace

Status CreateFromSchemaImage(const std::string& path, bool durable, bool* created) {
  *created = false;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return Status::OK();
  if (errno != ENOENT) return Failed("look at", path);
  // Written beside it, then linked into place: the database appears whole or not at all (a
  // crash part-way leaves only the .new file, written again at the next start), and link()
  // never replaces a database that appeared meanwhile.
  const std::string fresh = path + ".new";
  int fd = ::open(fresh.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Failed("create", fresh);
  Status s = Fill(fd, fresh, durable);
  if (::close(fd) != 0 && s.ok()) s = Failed("close", fresh);
  bool linked = false;
  if (s.ok()) {
    linked = ::link(fresh.c_str(), path.c_str()) == 0;
    if (!linked && errno != EEXIST) s = Failed("link", path);
  }
  ::unlink(fresh.c_str());
  if (s.ok() && linked && durable) s = SyncDirectoryOf(path);
  if (!s.ok()) return s;
  *created = linked;
  return Status::OK();
}

}  // namespace csms::sqlite
