// The ephemeral database of --dev (and of tests): a file in a private temporary directory, so that
// several connections can read it at once (":memory:" is one connection's alone), removed with
// everything in it when the TempDatabase goes away.
//
// A process killed with SIGKILL cannot remove its directory, and a CI suite kills hundreds: so
// each directory holds `owner.lock`, flock()ed by its owner for as long as it lives (the kernel
// drops the lock when the process dies, in any PID namespace), and Create first removes the
// csms-db-* directories of this user whose lock it can take.
#pragma once

#include <string>

#include "common/status.h"

namespace csms::sqlite {

class TempDatabase {
 public:
  TempDatabase() = default;
  ~TempDatabase();
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  // Removes the stale directories of dead owners, then creates $TMPDIR/csms-db-XXXXXX (mode 0700,
  // /tmp without TMPDIR) and locks it; the database is <dir>/csms.db.
  Status Create();
  // The sweep alone (tests): removes every csms-db-* directory under `base` owned by this user
  // whose owner.lock is not held; returns how many.
  static int RemoveStale(const std::string& base);
  const std::string& path() const { return path_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, path_;
  int lock_fd_ = -1;  // holds the flock on <dir>/owner.lock
};

}  // namespace csms::sqlite
