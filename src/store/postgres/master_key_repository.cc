// PostgreSQL storage: the masterkey repository shared by both engines (store/sql/master_key_repository_impl.h).
#include "store/postgres/dialect.h"
#include "store/postgres/query.h"
#include "store/sql/master_key_repository_impl.h"

namespace csms::sql {
template class MasterKeyRepositoryOn<postgres::Dialect>;
}  // namespace csms::sql
