// The ephemeral database of --dev (and of tests): a file in a private temporary directory, so that
// several connections can read it at once (":memory:" is one connection's alone), removed with
// everything in it when the TempDatabase goes away.
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

  // Creates $TMPDIR/csms-db-XXXXXX (mode 0700, /tmp without TMPDIR); the database is <dir>/csms.db.
  Status Create();
  const std::string& path() const { return path_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, path_;
};

}  // namespace csms::sqlite
