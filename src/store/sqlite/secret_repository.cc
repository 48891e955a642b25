// SQLite storage: the secret repository shared by both engines (store/sql/secret_repository_impl.h).
#include "store/sql/secret_repository_impl.h"
#include "store/sqlite/dialect.h"
#include "store/sqlite/query.h"

namespace csms::sql {
template class SecretRepositoryOn<sqlite::Dialect>;
}  // namespace csms::sql
