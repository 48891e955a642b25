// SQLite storage: the grant repository shared by both engines (store/sql/grant_repository_impl.h).
#include "store/sql/grant_repository_impl.h"
#include "store/sqlite/dialect.h"
#include "store/sqlite/query.h"

namespace csms::sql {
template class GrantRepositoryOn<sqlite::Dialect>;
}  // namespace csms::sql
