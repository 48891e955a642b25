// The marker of the notification-record listing: base64url("<create_time>:<record_id>") as
// RecordService::EncodeCursor writes it, or the 2023 API's 13-digit record time in ms. Opaque to
// clients and validated on the way in; a pure function, run by the query fuzz target.
#pragma once

#include <string>

#include "common/status.h"
#include "domain/notification_record.h"

namespace csms {

// Sets q->before_time and q->before_id; CSMS.0701 for anything else.
Status DecodeRecordCursor(const std::string& marker, RecordQuery* q);

}  // namespace csms
