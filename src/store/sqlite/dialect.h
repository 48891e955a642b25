// What the repositories shared with PostgreSQL (store/sql/) need to know of SQLite.
#pragma once

#include "store/sqlite/connection.h"

namespace csms::sqlite {

struct Dialect {
  using Connection = sqlite::Connection;
  using Statement = sqlite::Statement;
  // The cheapest address of a row, for DELETE ... WHERE <key> IN (SELECT <key> ... LIMIT n).
  static constexpr const char* kRowKey = "rowid";
};

}  // namespace csms::sqlite
