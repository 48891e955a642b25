// PostgreSQL storage: the dbinstance repository shared by both engines (store/sql/db_instance_repository_impl.h).
#include "store/postgres/dialect.h"
#include "store/postgres/query.h"
#include "store/sql/db_instance_repository_impl.h"

namespace csms::sql {
template class DbInstanceRepositoryOn<postgres::Dialect>;
}  // namespace csms::sql
