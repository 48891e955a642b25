// RecordService: listing notification records (seed ListNotificationRecords) newest first, within
// the retention window, with the filters and the opaque keyset cursor that csms adds.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "domain/notification_record.h"
#include "service/page.h"
#include "store/store.h"

namespace csms {

struct RecordServiceOptions {
  int retention_days = 90;
};

class RecordService {
 public:
  RecordService(Store* store, const Clock* clock, RecordServiceOptions options)
      : store_(store), clock_(clock), options_(options) {}

  // `query.project_id`, filters and `query.limit` come from the caller; `marker` is the
  // next_marker of a previous page, or a legacy 13-digit millisecond time, or empty.
  Status List(RecordQuery query, const std::string& marker, Page<NotificationRecord>* out);

  static std::string EncodeCursor(const NotificationRecord& last);

 private:
  Store* store_;
  const Clock* clock_;
  RecordServiceOptions options_;
};

}  // namespace csms
