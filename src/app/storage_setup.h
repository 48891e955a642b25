// Opening a data dir, for the server and for `csmsd admin` alike: its shared lock, the database
// (SQLite in the data dir, --dev's private one, or --database), and the accounts of a first start
// (or --dev's fixtures).
#pragma once

#include <memory>
#include <string>

#include "app/data_dir_lock.h"
#include "app/first_start.h"
#include "app/server_app.h"
#include "common/status.h"
#include "service/identity_service.h"
#include "store/store.h"

namespace csms {

// Prepares --data-dir (0700) and takes its shared lock (app/data_dir_lock.h).
Status LockDataDir(const std::string& dir, DataDirLock* lock);

// The store the configuration names, with a connection for each thread that may use it at once
// (SqliteConnectionsFor).
Status OpenStore(const AppConfig& config, std::unique_ptr<Store>* out);

// The accounts of a first start (app/first_start.h), or --dev's fixed fixtures. *pending: the
// admin password whose hash the caller stores (IdentityService::StoreInitialPassword): the server
// on a thread while it starts and listens, `csmsd admin` at once.
Status Bootstrap(const AppConfig& config, IdentityService& identity, bool wait_for_others, PendingPassword* pending);

}  // namespace csms
