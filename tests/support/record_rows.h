// Notification records for the tests of the listing's pages and redrive (record_page_test.cc,
// record_pages_test.cc, postgres_record_page_test.cc): the fields a filter
// looks at, their insertion, and a one-line account of a query's shape for traces.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/notification_record.h"
#include "store/store.h"

namespace csms::test {

struct RecordRow {
  std::string id, project, event, secret;
  EventType type;
  NotificationStatus status;
  int64_t time;
};

// Inserts each row as an SMN notification record, in one transaction.
inline Status InsertRecordRows(Store& store, const std::vector<RecordRow>& rows) {
  return store.Write([&](Transaction& tx) -> Status {
    for (const RecordRow& r : rows) {
      NotificationRecord n;
      n.record_id = r.id;
      n.project_id = r.project;
      n.event_name = r.event;
      n.secret_name = r.secret;
      n.trigger_event_type = r.type;
      n.notification_status = r.status;
      n.create_time = r.time;
      n.target_type = "SMN";
      CSMS_RETURN_IF_ERROR(tx.records().Insert(n));
    }
    return Status::OK();
  });
}

inline std::string DescribeRecordQuery(const RecordQuery& q) {
  return "secret=" + std::to_string(q.secret_name.has_value()) + " event=" + std::to_string(q.event_name.has_value()) +
         " type=" + std::to_string(q.trigger_event_type.has_value()) +
         " status=" + (q.status ? std::string(NotificationStatusName(*q.status)) : "final") +
         " start=" + std::to_string(q.start_time.has_value()) + " end=" + std::to_string(q.end_time.has_value()) +
         " cursor=" + std::to_string(q.before_time.has_value()) + "/" + std::to_string(q.before_id.has_value());
}

}  // namespace csms::test
