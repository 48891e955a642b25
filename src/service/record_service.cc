#include "service/record_service.h"

#include <algorithm>

#include "common/errors.h"
#include "crypto/encoding.h"
#include "domain/limits.h"

namespace csms {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Cursor text: base64url("<create_time>:<record_id>"). Opaque to clients; validated on the way in.
Status DecodeCursor(const std::string& marker, RecordQuery* q) {
  if (marker.size() == 13 && AllDigits(marker)) {  // the 2023 API's marker: a record time in ms
    q->before_time = std::stoll(marker);
    q->before_id = std::nullopt;
    return Status::OK();
  }
  const Status bad = errors::InvalidRecordMarker("invalid marker: use the next_marker of a previous page");
  if (marker.size() > 200) return bad;
  auto raw = crypto::Base64UrlDecode(marker);
  if (!raw) return bad;
  size_t colon = raw->find(':');
  if (colon == std::string::npos || colon == 0 || colon > 15 || !AllDigits(std::string_view(*raw).substr(0, colon)))
    return bad;
  std::string id = raw->substr(colon + 1);
  if (id.empty() || id.size() > 64) return bad;
  q->before_time = std::stoll(raw->substr(0, colon));
  q->before_id = id;
  return Status::OK();
}

}  // namespace

std::string RecordService::EncodeCursor(const NotificationRecord& last) {
  return crypto::Base64UrlEncode(std::to_string(last.create_time) + ":" + last.record_id);
}

Status RecordService::List(RecordQuery query, const std::string& marker, Page<NotificationRecord>* out) {
  if (!marker.empty()) CSMS_RETURN_IF_ERROR(DecodeCursor(marker, &query));
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
