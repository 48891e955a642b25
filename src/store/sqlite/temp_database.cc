#include "store/sqlite/temp_database.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "common/errors.h"
#include "common/log.h"

namespace csms::sqlite {

Status TempDatabase::Create() {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = tmp && *tmp ? tmp : "/tmp";
  std::string pattern = base + "/csms-db-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (!::mkdtemp(name.data())) {  // mode 0700
    return errors::Internal("cannot create a temporary database directory in " + base + ": " + std::strerror(errno));
  }
  dir_ = name.data();
  path_ = dir_ + "/csms.db";
  return Status::OK();
}

TempDatabase::~TempDatabase() {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (ec) log::Warn("cannot remove the temporary database " + dir_ + ": " + ec.message());
}

}  // namespace csms::sqlite
