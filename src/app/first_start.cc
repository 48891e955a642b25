#include "app/first_start.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>
#include <vector>

#include "common/errors.h"
#include "common/log.h"

namespace csms {
namespace {

constexpr char kDomain[] = "csms";
constexpr char kProject[] = "default";
constexpr char kUser[] = "admin";
constexpr char kCredentialsName[] = "initial-credentials";

std::string CredentialsText(const BootstrapResult& r) {
  return "domain_name=" + r.domain.name + "\ndomain_id=" + r.domain.id + "\nproject_name=" + r.project.name +
         "\nproject_id=" + r.project.id + "\nuser_name=" + r.user.name + "\npassword=" + r.password + "\n";
}

// <data-dir>/initial-credentials.XXXXXX, created 0600 (never an existing file or a link), written and
// fsync'd; "" when it could not be.
std::string WriteTemporaryCredentials(const std::string& data_dir, const BootstrapResult& r) {
  std::string path = data_dir + "/" + kCredentialsName + ".XXXXXX";
  int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) return "";
  const std::string text = CredentialsText(r);
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  written = ::close(fd) == 0 && written;
  // Its directory entry too, before the accounts' commit: a power loss must not keep the accounts
  // and lose the only copy of the password.
  int dir = ::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  written = dir >= 0 && ::fsync(dir) == 0 && written;
  if (dir >= 0) ::close(dir);
  if (written) return path;
  ::unlink(path.c_str());
  return "";
}

// What IdentityService::NewAccounts generates: 18 random bytes in base64url. Anything else in a
// credentials file was not written by a first start, and is not taken as the admin's password.
bool LooksGenerated(const std::string& password) {
  if (password.size() != 24) return false;
  for (unsigned char c : password) {
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

// The generated password of `user` in the credentials file at `path`, or "" (no file, another
// installation's file, another user, not a generated password).
std::string PasswordIn(const std::string& path, const User& user) {
  std::ifstream in(path);
  std::map<std::string, std::string> values;
  for (std::string line; std::getline(in, line);) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (values["domain_id"] != user.domain_id || values["user_name"] != user.name) return "";
  return LooksGenerated(values["password"]) ? values["password"] : "";
}

// The password of `user` in initial-credentials, or in a temporary one a first start wrote and did
// not rename before it stopped (then linked into place, never over an existing file: the first
// start may be alive and about to rename it itself).
std::string FindPassword(const std::string& data_dir, const User& user) {
  const std::string final_path = data_dir + "/" + kCredentialsName;
  if (std::string password = PasswordIn(final_path, user); !password.empty()) return password;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(data_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(std::string(kCredentialsName) + ".", 0) != 0) continue;
    std::string password = PasswordIn(it->path().string(), user);
    if (password.empty()) continue;
    if (::link(it->path().c_str(), final_path.c_str()) == 0) ::unlink(it->path().c_str());
    return password;
  }
  // The first start may have renamed its file while this looked.
  return PasswordIn(final_path, user);
}

// A start that finds the admin's password still pending: the first start stopped before it stored
// the hash. Its credentials file has the password the operator was given; without it, nobody knows
// one and an operator must set it.
Status ResumeInitialPassword(const AppConfig& config, IdentityService& identity, bool wait_for_others,
                             PendingPassword* pending) {
  User user;
  Status s = identity.FindPendingUser(kDomain, kUser, &user);
  if (s.IsNotFound()) return Status::OK();
  CSMS_RETURN_IF_ERROR(s);
  std::string password = FindPassword(config.data_dir, user);
  if (password.empty()) {
    // Another process's first start may be storing it right now (a replica on the same database,
    // or a server on this data dir): give it a moment.
    for (int i = 0; wait_for_others && i < 20 && s.ok(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      s = identity.FindPendingUser(kDomain, kUser, &user);
    }
    if (s.IsNotFound()) return Status::OK();
    CSMS_RETURN_IF_ERROR(s);
    log::Warn("the password of user '" + user.name + "' is not stored" +
              (wait_for_others ? " (the first start stopped before it was)" : " yet") + " and no " + kCredentialsName +
              " file in " + config.data_dir + " has it" +
              (wait_for_others ? "" : " (a first start may still be storing it)") +
              ": if no login works, set one with `csmsd admin set-password`");
    return Status::OK();
  }
  log::Info("storing the password of user '" + user.name + "' from " + config.data_dir + "/" + kCredentialsName +
            " (the first start stopped before it did)");
  *pending = PendingPassword{user.id, std::move(password)};
  return Status::OK();
}

}  // namespace

Status BootstrapFirstStart(const AppConfig& config, IdentityService& identity, bool wait_for_others,
                           PendingPassword* pending) {
  *pending = PendingPassword{};
  bool exists = false;
  CSMS_RETURN_IF_ERROR(identity.HasDomain(kDomain, &exists));
  if (exists) return ResumeInitialPassword(config, identity, wait_for_others, pending);

  BootstrapResult r = IdentityService::NewAccounts(kDomain, kProject);
  const std::string temporary = WriteTemporaryCredentials(config.data_dir, r);
  bool created = false;
  Status s = identity.InsertAccountsIfEmpty(r, &created);
  // A failed commit may still have committed (a connection lost during COMMIT): the file is then the
  // only copy of the password, and stays for the next start to find.
  if (!s.ok()) return s;
  if (!created) {
    if (!temporary.empty()) ::unlink(temporary.c_str());
    return ResumeInitialPassword(config, identity, wait_for_others, pending);
  }
  *pending = PendingPassword{r.user.id, r.password};
  const std::string path = config.data_dir + "/" + kCredentialsName;
  // Another process (a `csmsd admin` command that found the admin pending) may have put the file
  // in place already.
  const bool saved = !temporary.empty() && (::rename(temporary.c_str(), path.c_str()) == 0 ||
                                            (errno == ENOENT && PasswordIn(path, r.user) == r.password));
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
