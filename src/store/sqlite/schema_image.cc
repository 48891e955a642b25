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

bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 || errno != ENOENT;
}

// The image into `fd`; the zeros between its runs are holes, read back as zeros.
bool Fill(int fd, bool durable) {
  if (::ftruncate(fd, static_cast<off_t>(generated::kSqliteSchemaImageSize)) != 0) return false;
  for (const auto& run : generated::kSqliteSchemaImageRuns) {
    size_t done = 0;
    while (done < run.bytes.size()) {
      ssize_t n = ::pwrite(fd, run.bytes.data() + done, run.bytes.size() - done, static_cast<off_t>(run.offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
  }
  return !durable || ::fdatasync(fd) == 0;
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

bool SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

Status CreateFromSchemaImage(const std::string& path, bool durable, bool* created) {
  *created = false;
  // A journal or WAL without its database (left by a crash, the database then deleted) belongs to
  // an older database: SQLite discards it beside an empty file but would replay it into the image.
  for (const char* suffix : {"", "-wal", "-journal", "-shm"}) {
    if (Exists(path + suffix)) return Status::OK();
  }
  const std::string dir = DirectoryOf(path);
  // An unnamed file in the directory, linked into place once whole: a crash leaves nothing, two
  // processes creating the database at once cannot write into each other's, and linkat never
  // replaces a database that appeared meanwhile.
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return Status::OK();  // e.g. a filesystem without O_TMPFILE: the migrations make it
  bool ok = Fill(fd, durable);
  if (ok) {
    const std::string self = "/proc/self/fd/" + std::to_string(fd);
    ok = ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) == 0;
  }
  ::close(fd);
  if (!ok) return Status::OK();  // another process linked first, or no hard links here
  if (durable && !SyncDirectory(dir)) {
    return errors::Internal("cannot sync the directory of " + path + ": " + std::strerror(errno));
  }
  *created = true;
  return Status::OK();
}

}  // namespace csms::sqlite
