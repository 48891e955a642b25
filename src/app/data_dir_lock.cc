#include "app/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/errors.h"

namespace csms {

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

Status DataDirLock::Acquire(const std::string& dir, Mode mode) {
  std::string path = dir + "/" + kFileName;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return errors::Internal("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err != EWOULDBLOCK) return errors::Internal("cannot lock " + path + ": " + std::strerror(err));
    return mode == Mode::kShared
               ? errors::Unavailable("data dir " + dir + " is being restored (" + path + " is locked); try again later")
               : errors::Unavailable("data dir " + dir + " is in use by a running csmsd (" + path +
                                     " is locked); stop it first");
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  return Status::OK();
}

}  // namespace csms
