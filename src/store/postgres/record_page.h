// The statement of one page of the notification-record listing (PgRecordRepository::List).
//
// Every page costs O(limit) whatever filters it carries: the statement names each filter the query
// sets as an equality on the leading columns of one of the notifications_page_* indexes (schema.cc,
// project, status, then the secret, event and trigger-type filters present), so the rows come out
// of the index already in page order (create_time DESC, id DESC) and the keyset cursor is a range
// bound of the same index. A query without a status (every final status) is the UNION ALL of one
// such arm per final status, which PostgreSQL merges in order and stops reading at the limit.
//
// Absent filters leave the text, never bind NULL: "?x IS NULL OR column = ?x" would hide the
// column from the query planner. So there is one statement text per shape of query (which
// filters are set, which status, which upper bound); RecordPageSql gives it.
#pragma once

#include <string>

#include "domain/notification_record.h"
#include "store/postgres/connection.h"

namespace csms::postgres {

// The statement for `q`'s shape (the values of the filters do not matter, only whether they are
// set, and the status). It returns the columns ReadRecordColumns (record_columns.h) reads.
const std::string& RecordPageSql(const RecordQuery& q);

// Binds `q`'s values to the statement RecordPageSql(q) gave.
void BindRecordPage(Statement& s, const RecordQuery& q);

}  // namespace csms::postgres
