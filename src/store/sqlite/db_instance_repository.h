// SQLite storage of the database instance registry (table `db_instances`).
#pragma once

#include "store/db_instance_repository.h"
#include "store/sql/db_instance_repository.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/dialect.h"

namespace csms::sqlite {

using SqliteDbInstanceRepository = sql::DbInstanceRepositoryOn<Dialect>;

}  // namespace csms::sqlite

extern template class csms::sql::DbInstanceRepositoryOn<csms::sqlite::Dialect>;
