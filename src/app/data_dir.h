// The data directory (--data-dir): where the database, the master key and the first-start
// credentials live. csmsd never changes the mode of a directory it did not create.
#pragma once

#include <string>

#include "common/status.h"

namespace csms {

// Makes `path` ready to hold csmsd's files:
//  - absent: created with mode 0700 (missing parents too);
//  - present: must be a directory owned by this user that neither group nor others can access
//    (no bit of 077); otherwise an error saying what is wrong and what to do, and nothing changes.
// Also sets the process umask to 077, so every file csmsd creates afterwards (csms.db, its -wal
// and -shm, master.key, initial-credentials) is 0600 from its first byte.
Status PrepareDataDir(const std::string& path);

}  // namespace csms
