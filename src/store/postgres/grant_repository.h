// PostgreSQL storage of grants.
#pragma once

#include "store/grant_repository.h"
#include "store/postgres/connection.h"
#include "store/postgres/dialect.h"
#include "store/sql/grant_repository.h"

namespace csms::postgres {

using PgGrantRepository = sql::GrantRepositoryOn<Dialect>;

}  // namespace csms::postgres

extern template class csms::sql::GrantRepositoryOn<csms::postgres::Dialect>;
