#include "app/storage_setup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "app/data_dir.h"
#include "app/database_config.h"
#include "common/errors.h"

namespace csms {
namespace {

// Threads outside the API that use the store: the dispatcher, the scheduler tick, the rotation worker,
// the master-key worker.
constexpr int kBackgroundStoreThreads = 4;

// Writes the generated admin credentials where only the owner can read them.
bool WriteCredentialsFile(const std::string& path, const BootstrapResult& r) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return false;
  ::chmod(path.c_str(), 0600);
  out << "domain_name=" << r.domain.name << "\ndomain_id=" << r.domain.id << "\nproject_name=" << r.project.name
      << "\nproject_id=" << r.project.id << "\nuser_name=" << r.user.name << "\npassword=" << r.password << "\n";
  return static_cast<bool>(out);
}

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

Status Bootstrap(const AppConfig& config, IdentityService& identity,
                 std::future<IdentityService::InitialPassword>* derived) {
  if (config.dev) {
    CSMS_RETURN_IF_ERROR(identity.EnsureFixture(Domain{kDevDomainId, kDevDomainName},
                                                Project{kDevProjectId, kDevProjectName, kDevDomainId}, kDevUserName,
                                                kDevPassword, kDevPasswordHash));
    return identity.EnsureDevUser(kDevDomainId, kDevReaderName, kDevReaderPassword, "readonly");
  }
  BootstrapResult r;
  auto initial = [derived] {
    return derived && derived->valid() ? derived->get() : IdentityService::MakeInitialPassword();
  };
  CSMS_RETURN_IF_ERROR(identity.BootstrapIfEmpty("csms", "default", &r, initial));
  if (r.created) {
    std::string path = config.data_dir + "/initial-credentials";
    bool saved = WriteCredentialsFile(path, r);
    // The password is not stored anywhere in clear but in that 0600 file, which the operator
    // should delete after reading. It is printed only to a terminal (or when the file could not be
    // written): under systemd or a container runtime stdout is a log that others may read and
    // that keeps it for weeks.
    const bool show = !saved || ::isatty(STDOUT_FILENO) == 1;
    std::cout << "csmsd: first start, created domain '" << r.domain.name << "', project '" << r.project.name << "' (id "
              << r.project.id << ") and user '" << r.user.name << "'"
              << (show ? " with password " + r.password : std::string()) << "\ncsmsd: "
              << (saved ? "the password is in " + path + " (mode 0600); delete it once read"
                        : "could not write " + path)
              << std::endl;
  }
  return Status::OK();
}

}  // namespace csms
