// PostgreSQL storage: the task repository shared by both engines (store/sql/task_repository_impl.h).
#include "store/postgres/dialect.h"
#include "store/postgres/query.h"
#include "store/sql/task_repository_impl.h"

namespace csms::sql {
template class TaskRepositoryOn<postgres::Dialect>;
}  // namespace csms::sql
