// PostgreSQL storage: the identity repository shared by both engines (store/sql/identity_repository_impl.h).
#include "store/postgres/dialect.h"
#include "store/postgres/query.h"
#include "store/sql/identity_repository_impl.h"
#include "store/sql/identity_users_groups_impl.h"

namespace csms::sql {
template class IdentityRepositoryOn<postgres::Dialect>;
}  // namespace csms::sql
