#include "app/storage_setup.h"

#include "app/data_dir.h"
#include "app/database_config.h"
#include "common/errors.h"

namespace csms {
namespace {

// Threads outside the API that use the store: the dispatcher, the scheduler tick, the rotation worker,
// the master-key worker, and at a first start the thread that stores the admin's password hash.
constexpr int kBackgroundStoreThreads = 5;

}  // namespace

// One connection per thread that may use the store at once: the request pools' threads (the I/O
// threads answer only from memory), the background threads, and the group-commit writer's own.
// The store opens them on demand, so no request thread waits for a connection.
int SqliteConnectionsFor(const AppConfig& config) { return config.api.StoreThreads() + kBackgroundStoreThreads + 1; }

Status LockDataDir(const std::string& dir, DataDirLock* lock) {
  CSMS_RETURN_IF_ERROR(PrepareDataDir(dir));
  return lock->Acquire(dir, DataDirLock::Mode::kShared);
}

Status OpenStore(const AppConfig& config, std::unique_ptr<Store>* out) {
  if (!config.database.empty()) {
    // The data dir still holds the default master key file and the first-start credentials.
    if (!config.dev) CSMS_RETURN_IF_ERROR(PrepareDataDir(config.data_dir));
    return OpenDatabase(config, SqliteConnectionsFor(config), out);
  }
  SqliteOptions options;
  options.synchronous_full = config.sqlite_synchronous_full;
  options.max_connections = SqliteConnectionsFor(config);
  options.write_queue = config.write_queue;
  options.max_group_jobs = config.write_group_max;
  options.writer_nice = config.writer_nice;
  if (config.dev) {
    options.path = ":memory:";  // a private temporary file, removed when the store closes
  } else {
    CSMS_RETURN_IF_ERROR(PrepareDataDir(config.data_dir));  // 0700, never chmods; umask 077 for the files
    options.path = config.data_dir + "/csms.db";
  }
  return OpenSqliteStore(options, out);
}

Status Bootstrap(const AppConfig& config, IdentityService& identity, bool wait_for_others, PendingPassword* pending) {
  *pending = PendingPassword{};
  if (!config.dev) return BootstrapFirstStart(config, identity, wait_for_others, pending);
  CSMS_RETURN_IF_ERROR(identity.EnsureFixture(Domain{kDevDomainId, kDevDomainName},
                                              Project{kDevProjectId, kDevProjectName, kDevDomainId}, kDevUserName,
                                              kDevPassword, kDevPasswordHash));
  return identity.EnsureDevUser(kDevDomainId, kDevReaderName, kDevReaderPassword, "readonly");
}

}  // namespace csms
