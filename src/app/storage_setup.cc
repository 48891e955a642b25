#include "app/storage_setup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "app/data_dir.h"
#include "app/database_config.h"
#include "common/errors.h"
#include "common/log.h"

namespace csms {
namespace {

constexpr char kBootstrapDomain[] = "csms";
constexpr char kBootstrapProject[] = "default";
constexpr char kBootstrapUser[] = "admin";

// Threads outside the API that use the store: the dispatcher, the scheduler tick, the rotation worker,
// the master-key worker.
constexpr int kBackgroundStoreThreads = 4;

constexpr char kCredentialsFile[] = "/initial-credentials";

// Writes the generated admin credentials where only the owner can read them, whole or not at all
// (a reader, another process's Bootstrap included, never sees half a password).
bool WriteCredentialsFile(const std::string& path, const BootstrapResult& r) {
  const std::string partial = path + ".partial";
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const std::string text = "domain_name=" + r.domain.name + "\ndomain_id=" + r.domain.id +
                           "\nproject_name=" + r.project.name + "\nproject_id=" + r.project.id +
                           "\nuser_name=" + r.user.name + "\npassword=" + r.password + "\n";
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  written = ::close(fd) == 0 && written;
  if (written && ::rename(partial.c_str(), path.c_str()) == 0) return true;
  ::unlink(partial.c_str());
  return false;
}

// The password a first start wrote for `user` in its credentials file, or "" (no file, another
// installation's file, another user).
std::string PasswordInCredentialsFile(const std::string& path, const User& user) {
  std::ifstream in(path);
  std::map<std::string, std::string> values;
  for (std::string line; std::getline(in, line);) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (values["domain_id"] != user.domain_id || values["user_name"] != user.name) return "";
  return values["password"];
}

// A restart that finds the admin's password still pending: the first start stopped before it stored
// the hash. Its credentials file has the password the operator was given; without it, nobody knows
// one and an operator must set it.
Status ResumeInitialPassword(const AppConfig& config, IdentityService& identity, PendingPassword* pending) {
  User user;
  Status s = identity.FindPendingUser(kBootstrapDomain, kBootstrapUser, &user);
  if (s.IsNotFound()) return Status::OK();
  CSMS_RETURN_IF_ERROR(s);
  std::string password = PasswordInCredentialsFile(config.data_dir + kCredentialsFile, user);
  if (password.empty()) {
    // Another process's first start may be storing it right now (a replica on the same database,
    // or a server on this data dir that has not written its file yet): give it a moment.
    for (int i = 0; i < 20 && s.ok(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      s = identity.FindPendingUser(kBootstrapDomain, kBootstrapUser, &user);
    }
    if (s.IsNotFound()) return Status::OK();
    CSMS_RETURN_IF_ERROR(s);
    log::Warn("the password of user '" + user.name + "' was never stored (the first start stopped first) and " +
              config.data_dir + kCredentialsFile + " does not have it: set one with `csmsd admin set-password`");
    return Status::OK();
  }
  log::Info("storing the password of user '" + user.name + "' from " + config.data_dir + kCredentialsFile +
            " (the first start stopped before it did)");
  *pending = PendingPassword{user.id, std::move(password)};
  return Status::OK();
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

Status Bootstrap(const AppConfig& config, IdentityService& identity, PendingPassword* pending) {
  *pending = PendingPassword{};
  if (config.dev) {
    CSMS_RETURN_IF_ERROR(identity.EnsureFixture(Domain{kDevDomainId, kDevDomainName},
                                                Project{kDevProjectId, kDevProjectName, kDevDomainId}, kDevUserName,
                                                kDevPassword, kDevPasswordHash));
    return identity.EnsureDevUser(kDevDomainId, kDevReaderName, kDevReaderPassword, "readonly");
  }
  BootstrapResult r;
  CSMS_RETURN_IF_ERROR(identity.BootstrapIfEmpty(kBootstrapDomain, kBootstrapProject, &r));
  if (!r.created) return ResumeInitialPassword(config, identity, pending);
  *pending = PendingPassword{r.user.id, r.password};
  std::string path = config.data_dir + kCredentialsFile;
  bool saved = WriteCredentialsFile(path, r);
  // The password is not stored anywhere in clear but in that 0600 file, which the operator
  // should delete after reading. It is printed only to a terminal (or when the file could not be
  // written): under systemd or a container runtime stdout is a log that others may read and
  // that keeps it for weeks.
  const bool show = !saved || ::isatty(STDOUT_FILENO) == 1;
  std::cout << "csmsd: first start, created domain '" << r.domain.name << "', project '" << r.project.name << "' (id "
            << r.project.id << ") and user '" << r.user.name << "'"
            << (show ? " with password " + r.password : std::string()) << "\ncsmsd: "
            << (saved ? "the password is in " + path + " (mode 0600); delete it once read" : "could not write " + path)
            << std::endl;
  return Status::OK();
}

}  // namespace csms
