// PostgreSQL storage: the grant repository shared by both engines (store/sql/grant_repository_impl.h).
#include "store/postgres/dialect.h"
#include "store/postgres/query.h"
#include "store/sql/grant_repository_impl.h"

namespace csms::sql {
template class GrantRepositoryOn<postgres::Dialect>;
}  // namespace csms::sql
