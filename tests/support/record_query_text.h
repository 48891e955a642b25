// A one-line account of a notification-record query's shape, for the traces of the tests that go
// through every shape (record_page_test.cc, record_pages_test.cc, postgres_record_page_test.cc).
#pragma once

#include <string>

#include "domain/notification_record.h"

namespace csms::test {

inline std::string DescribeRecordQuery(const RecordQuery& q) {
  return "secret=" + std::to_string(q.secret_name.has_value()) + " event=" + std::to_string(q.event_name.has_value()) +
         " type=" + std::to_string(q.trigger_event_type.has_value()) +
         " status=" + (q.status ? std::string(NotificationStatusName(*q.status)) : "final") +
         " start=" + std::to_string(q.start_time.has_value()) + " end=" + std::to_string(q.end_time.has_value()) +
         " cursor=" + std::to_string(q.before_time.has_value()) + "/" + std::to_string(q.before_id.has_value());
}

}  // namespace csms::test
