// PostgreSQL storage of the database instance registry (table `db_instances`).
#pragma once

#include "store/db_instance_repository.h"
#include "store/postgres/connection.h"
#include "store/postgres/dialect.h"
#include "store/sql/db_instance_repository.h"

namespace csms::postgres {

using PgDbInstanceRepository = sql::DbInstanceRepositoryOn<Dialect>;

}  // namespace csms::postgres

extern template class csms::sql::DbInstanceRepositoryOn<csms::postgres::Dialect>;
