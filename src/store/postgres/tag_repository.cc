// PostgreSQL storage: the tag repository shared by both engines (store/sql/tag_repository_impl.h).
#include "store/postgres/dialect.h"
#include "store/postgres/query.h"
#include "store/sql/tag_repository_impl.h"

namespace csms::sql {
template class TagRepositoryOn<postgres::Dialect>;
}  // namespace csms::sql
