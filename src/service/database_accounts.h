// DatabaseAccounts: how database rotation (service/db_rotation.h) reaches a database, without
// knowing its client library (rotation/sql_database_accounts.h implements it with libpq and
// MariaDB Connector/C). Every call blocks on the network: never on an HTTP I/O thread, never
// inside a Store::Write callback.
#pragma once

#include <string>

#include "common/status.h"
#include "domain/db_instance.h"

namespace csms {

class DatabaseAccounts {
 public:
  virtual ~DatabaseAccounts() = default;
  // Logs in as `account` with `current_password` and sets its own password to `new_password`
  // (SingleUser: ALTER ROLE CURRENT_USER / ALTER USER CURRENT_USER()).
  virtual Status ChangeOwnPassword(const DbEndpoint& at, const DbAccount& account, const std::string& current_password,
                                   const std::string& new_password) = 0;
  // Logs in as `admin` and sets `account`'s password to `new_password` (MultiUser).
  virtual Status SetPassword(const DbEndpoint& at, const DbAccount& admin, const DbAccount& account,
                             const std::string& new_password) = 0;
  // Opens a fresh connection as `account` with `password` and runs a query.
  virtual Status TestLogin(const DbEndpoint& at, const DbAccount& account, const std::string& password) = 0;
};

}  // namespace csms
