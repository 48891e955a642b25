// SQLite storage: the accesskey repository shared by both engines (store/sql/access_key_repository_impl.h).
#include "store/sql/access_key_repository_impl.h"
#include "store/sqlite/dialect.h"
#include "store/sqlite/query.h"

namespace csms::sql {
template class AccessKeyRepositoryOn<sqlite::Dialect>;
}  // namespace csms::sql
