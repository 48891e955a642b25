#include "service/record_service.h"

#include <algorithm>

#include "common/errors.h"
#include "crypto/encoding.h"
#include "domain/limits.h"
#include "service/record_cursor.h"

namespace csms {

std::string RecordService::EncodeCursor(const NotificationRecord& last) {
  return crypto::Base64UrlEncode(std::to_string(last.create_time) + ":" + last.record_id);
}

Status RecordService::List(RecordQuery query, const std::string& marker, Page<NotificationRecord>* out) {
  if (!marker.empty()) CSMS_RETURN_IF_ERROR(DecodeRecordCursor(marker, &query));
  if (query.start_time && query.end_time && *query.start_time > *query.end_time) {
    return errors::InvalidParameter("invalid start_time: must not be later than end_time");
  }
  query.min_create_time = clock_->NowMillis() - options_.retention_days * limits::kMillisPerDay;
  int limit = query.limit;
  query.limit = limit + 1;
  std::vector<NotificationRecord> records;
  records.reserve(std::min(limit + 1, 64));
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) { return tx.records().List(query, &records); }));
  bool more = static_cast<int>(records.size()) > limit;
  if (more) records.pop_back();
  out->previous_marker.reset();
  out->next_marker.reset();
  if (!records.empty()) out->previous_marker = EncodeCursor(records.front());
  if (more) out->next_marker = EncodeCursor(records.back());
  out->items = std::move(records);
  return Status::OK();
}

}  // namespace csms
