// PostgreSQL storage of master-key versions and the re-wrap (store/master_key_repository.h).
#pragma once

#include "store/master_key_repository.h"
#include "store/postgres/connection.h"
#include "store/postgres/dialect.h"
#include "store/sql/master_key_repository.h"

namespace csms::postgres {

using PgMasterKeyRepository = sql::MasterKeyRepositoryOn<Dialect>;

}  // namespace csms::postgres

extern template class csms::sql::MasterKeyRepositoryOn<csms::postgres::Dialect>;
