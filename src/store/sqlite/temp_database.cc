#include "store/sqlite/temp_database.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "common/errors.h"
#include "common/log.h"

namespace csms::sqlite {

namespace {

constexpr char kPrefix[] = "csms-db-";
constexpr char kLockName[] = "owner.lock";

// True when `dir` is a real directory (not a link) of this user.
bool OwnDirectory(const std::string& dir) {
  struct stat st;
  return ::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid();
}

}  // namespace

int TempDatabase::RemoveStale(const std::string& base) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(base, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0 || !OwnDirectory(entry.path().string())) continue;
    // Only a directory with a lock file is judged: one without is being created (the lock file
    // appears by rename, already locked) or predates the lock files; it is left alone.
    std::string lock = entry.path().string() + "/" + kLockName;
    int fd = ::open(lock.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;
    bool dead = ::flock(fd, LOCK_EX | LOCK_NB) == 0;  // its owner would hold it
    if (dead) {
      std::error_code rm;
      std::filesystem::remove_all(entry.path(), rm);
      if (!rm) ++removed;
    }
    ::close(fd);
  }
  return removed;
}

Status TempDatabase::Create() {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = tmp && *tmp ? tmp : "/tmp";
  if (int n = RemoveStale(base); n > 0) {
    log::Info("removed " + std::to_string(n) + " temporary database(s) of csmsd processes that were killed");
  }
  std::string pattern = base + "/" + kPrefix + "XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (!::mkdtemp(name.data())) {  // mode 0700
    return errors::Internal("cannot create a temporary database directory in " + base + ": " + std::strerror(errno));
  }
  dir_ = name.data();
  path_ = dir_ + "/csms.db";
  // Locked under a temporary name, then renamed: a sweeper never sees an unlocked owner.lock.
  std::string pending = dir_ + "/" + kLockName + ".new";
  lock_fd_ = ::open(pending.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0 ||
      ::rename(pending.c_str(), (dir_ + "/" + kLockName).c_str()) != 0) {
    return errors::Internal("cannot lock the temporary database directory " + dir_ + ": " + std::strerror(errno));
  }
  return Status::OK();
}

TempDatabase::~TempDatabase() {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (ec) log::Warn("cannot remove the temporary database " + dir_ + ": " + ec.message());
  if (lock_fd_ >= 0) ::close(lock_fd_);  // after the removal: a sweeper never takes a live directory
}

}  // namespace csms::sqlite
