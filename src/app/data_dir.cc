#include "app/data_dir.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/errors.h"

namespace csms {
namespace {

std::string Octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace

Status PrepareDataDir(const std::string& path) {
  ::umask(077);
  if (path.empty()) return errors::InvalidParameter("--data-dir must not be empty");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return errors::Internal("cannot use data dir " + path + ": " + std::strerror(errno));
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return errors::Internal("cannot create " + parent.string() + ": " + ec.message());
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      return errors::Internal("cannot create data dir " + path + ": " + std::strerror(errno));
    }
    if (::stat(path.c_str(), &st) != 0)
      return errors::Internal("cannot use data dir " + path + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) return errors::InvalidParameter("data dir " + path + " is not a directory");
  if (st.st_uid != ::geteuid()) {
    return errors::InvalidParameter("refusing to use data dir " + path + ": it belongs to uid " +
                                    std::to_string(st.st_uid) + ", not to the user csmsd runs as (uid " +
                                    std::to_string(::geteuid()) + ")");
  }
  if ((st.st_mode & 077) != 0) {
    return errors::InvalidParameter("refusing to use data dir " + path + ": its mode " + Octal(st.st_mode) +
                                    " lets group or others in, and it holds the master key and the database; "
                                    "use a directory only its owner can access (e.g. chmod 700 " +
                                    path + ") or let csmsd create a new one");
  }
  return Status::OK();
}

}  // namespace csms
