// Opening a data dir, for the server and for `csmsd admin` alike: its shared lock, the database
// (SQLite in the data dir, --dev's private one, or --database), and the accounts of a first start
// (or --dev's fixtures).
#pragma once

#include <future>
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

// On an empty database, the domain, project and admin user of a first start, their password in
// <data-dir>/initial-credentials (0600); with --dev, the fixed fixtures. Nothing on a restart.
// `derived`: the admin password derived ahead on another thread (a first start), or null to
// derive it here.
Status Bootstrap(const AppConfig& config, IdentityService& identity,
                 std::future<IdentityService::InitialPassword>* derived = nullptr);

}  // namespace csms
