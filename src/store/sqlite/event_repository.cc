// SQLite storage: the event repository shared by both engines (store/sql/event_repository_impl.h).
#include "store/sql/event_repository_impl.h"
#include "store/sqlite/dialect.h"
#include "store/sqlite/query.h"

namespace csms::sql {
template class EventRepositoryOn<sqlite::Dialect>;
}  // namespace csms::sql
