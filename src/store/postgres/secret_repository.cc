// PostgreSQL storage: the secret repository shared by both engines (store/sql/secret_repository_impl.h).
#include "store/postgres/dialect.h"
#include "store/postgres/query.h"
#include "store/sql/secret_repository_impl.h"

namespace csms::sql {
template class SecretRepositoryOn<postgres::Dialect>;
}  // namespace csms::sql
