// PostgreSQL storage: the accesskey repository shared by both engines (store/sql/access_key_repository_impl.h).
#include "store/postgres/dialect.h"
#include "store/postgres/query.h"
#include "store/sql/access_key_repository_impl.h"

namespace csms::sql {
template class AccessKeyRepositoryOn<postgres::Dialect>;
}  // namespace csms::sql
