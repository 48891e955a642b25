// SQLite storage: the identity repository shared by both engines (store/sql/identity_repository_impl.h).
#include "store/sql/identity_repository_impl.h"
#include "store/sql/identity_users_groups_impl.h"
#include "store/sqlite/dialect.h"
#include "store/sqlite/query.h"

namespace csms::sql {
template class IdentityRepositoryOn<sqlite::Dialect>;
}  // namespace csms::sql
