// Storage of notification records (the notification outbox rows), listed newest first.
#pragma once

#include <vector>

#include "common/status.h"
#include "domain/notification_record.h"

namespace csms {

class RecordRepository {
 public:
  virtual ~RecordRepository() = default;
  virtual Status Insert(const NotificationRecord& record) = 0;
  virtual Status List(const RecordQuery& query, std::vector<NotificationRecord>* out) = 0;
  // Deletes up to `limit` records in a final status created before `horizon` (retention).
  virtual Status PurgeOlderThan(int64_t horizon, int limit, int64_t* deleted) = 0;
};

}  // namespace csms
