// The data dir's lock file (<data-dir>/csmsd.lock, flock(2)): every csmsd serving a data dir holds a
// shared lock on it for as long as it runs (the kernel drops it when the process dies, kill -9
// included), and `csmsd admin restore` takes it exclusively, so a restore never replaces the
// database under a live server and a server never starts on a directory being restored.
#pragma once

#include <string>

#include "common/status.h"

namespace csms {

class DataDirLock {
 public:
  enum class Mode { kShared, kExclusive };

  DataDirLock() = default;
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  // Locks <dir>/csmsd.lock (created 0600 when absent) without waiting; an error saying who holds
  // it when the lock is taken in a conflicting mode.
  Status Acquire(const std::string& dir, Mode mode);
  bool held() const { return fd_ >= 0; }

  static constexpr const char* kFileName = "csmsd.lock";

 private:
  int fd_ = -1;
};

}  // namespace csms
