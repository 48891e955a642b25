// The filters of the notification-record listing (event_name, secret_name, trigger_event_type,
// notification_status, start_time, end_time) read from a query string: a pure function, shared by
// the records listing and the delivery handlers and run by the query fuzz target.
#pragma once

#include "common/status.h"
#include "domain/notification_record.h"
#include "http/message.h"

namespace csms::http::handlers {

Status ParseRecordFilters(const QueryParams& q, RecordQuery* query);

}  // namespace csms::http::handlers
