// PostgreSQL storage of notification records: the repository shared by both engines (store/sql/).
#include "store/postgres/dialect.h"
#include "store/postgres/query.h"
#include "store/sql/record_repository_impl.h"

namespace csms::sql {
template class RecordRepositoryOn<postgres::Dialect>;
}  // namespace csms::sql
