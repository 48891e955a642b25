// SQLite storage of notification records: the repository shared by both engines (store/sql/).
#include "store/sql/record_repository_impl.h"
#include "store/sqlite/dialect.h"
#include "store/sqlite/query.h"

namespace csms::sql {
template class RecordRepositoryOn<sqlite::Dialect>;
}  // namespace csms::sql
