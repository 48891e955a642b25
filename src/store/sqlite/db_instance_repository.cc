// SQLite storage: the dbinstance repository shared by both engines (store/sql/db_instance_repository_impl.h).
#include "store/sql/db_instance_repository_impl.h"
#include "store/sqlite/dialect.h"
#include "store/sqlite/query.h"

namespace csms::sql {
template class DbInstanceRepositoryOn<sqlite::Dialect>;
}  // namespace csms::sql
