// SQLite storage of grants.
#pragma once

#include "store/grant_repository.h"
#include "store/sql/grant_repository.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/dialect.h"

namespace csms::sqlite {

using SqliteGrantRepository = sql::GrantRepositoryOn<Dialect>;

}  // namespace csms::sqlite

extern template class csms::sql::GrantRepositoryOn<csms::sqlite::Dialect>;
