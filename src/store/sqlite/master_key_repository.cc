// SQLite storage: the masterkey repository shared by both engines (store/sql/master_key_repository_impl.h).
#include "store/sql/master_key_repository_impl.h"
#include "store/sqlite/dialect.h"
#include "store/sqlite/query.h"

namespace csms::sql {
template class MasterKeyRepositoryOn<sqlite::Dialect>;
}  // namespace csms::sql
