// SQLite storage: the tag repository shared by both engines (store/sql/tag_repository_impl.h).
#include "store/sql/tag_repository_impl.h"
#include "store/sqlite/dialect.h"
#include "store/sqlite/query.h"

namespace csms::sql {
template class TagRepositoryOn<sqlite::Dialect>;
}  // namespace csms::sql
