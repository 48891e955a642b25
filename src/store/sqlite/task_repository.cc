// SQLite storage: the task repository shared by both engines (store/sql/task_repository_impl.h).
#include "store/sql/task_repository_impl.h"
#include "store/sqlite/dialect.h"
#include "store/sqlite/query.h"

namespace csms::sql {
template class TaskRepositoryOn<sqlite::Dialect>;
}  // namespace csms::sql
