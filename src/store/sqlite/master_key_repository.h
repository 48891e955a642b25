// SQLite storage of master-key versions and the re-wrap (store/master_key_repository.h).
#pragma once

#include "store/master_key_repository.h"
#include "store/sql/master_key_repository.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/dialect.h"

namespace csms::sqlite {

using SqliteMasterKeyRepository = sql::MasterKeyRepositoryOn<Dialect>;

}  // namespace csms::sqlite

extern template class csms::sql::MasterKeyRepositoryOn<csms::sqlite::Dialect>;
