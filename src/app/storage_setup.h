// Opening a data dir, for the server and for `csmsd admin` alike: its shared lock, the database
// (SQLite in the data dir, --dev's private one, or --database), and the accounts of a first start
// (or --dev's fixtures).
#pragma once

#include <memory>
#include <string>

#include "app/data_dir_lock.h"
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

// A first start's admin whose password hash is not stored yet; empty user_id: none.
struct PendingPassword {
  std::string user_id;
  std::string password;
};

// On an empty database, the domain, project and admin user of a first start, their password in
// <data-dir>/initial-credentials (0600, whole before this returns); with --dev, the fixed fixtures.
// The admin's password hash, a deliberately slow key derivation, is left to the caller in *pending
// (IdentityService::StoreInitialPassword): the server derives it on a thread while it starts and
// listens, `csmsd admin` at once. A restart derives nothing, unless an earlier first start stopped
// before it stored the hash: then *pending has the password of its credentials file.
Status Bootstrap(const AppConfig& config, IdentityService& identity, PendingPassword* pending);

}  // namespace csms
