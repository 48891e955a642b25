// `csmsd admin backup --to FILE` and `csmsd admin restore --from FILE [--force]` (SQLite data dirs).
#pragma once

#include <ostream>

#include "app/server_app.h"
#include "common/status.h"

namespace csms {

// Backup: copies <data-dir>/csms.db (a server may be serving it) into FILE through SQLite's online
// backup API, checks the copy (integrity_check, schema version) and writes FILE.manifest.json (what
// the copy needs to be opened: the schema version and the master-key ids its data was sealed with).
// Restore: checks FILE the same way and puts it in place as <data-dir>/csms.db; refuses a data dir
// a csmsd holds (app/data_dir_lock.h) and, without --force, one that holds a database already.
// Never writes a master key. Prints `key=value` lines to `out`.
Status RunBackupAdmin(const AppConfig& config, const AdminCommand& cmd, std::ostream& out);

}  // namespace csms
