#include "http/handlers/record_filters.h"

#include <algorithm>

#include "common/errors.h"
#include "domain/validation.h"

namespace csms::http::handlers {
namespace {

Status ParseMillis(const QueryParams& q, const char* key, std::optional<int64_t>* out) {
  auto v = q.Get(key);
  if (!v) return Status::OK();
  bool digits =
      !v->empty() && v->size() <= 13 && std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return errors::InvalidParameter(std::string("invalid ") + key + ": must be epoch milliseconds");
  *out = std::stoll(std::string(*v));
  return Status::OK();
}

Status ParseName(const QueryParams& q, const char* key, std::optional<std::string>* out) {
  auto v = q.Get(key);
  if (!v) return Status::OK();
  CSMS_RETURN_IF_ERROR(validation::CheckName(key, *v));
  *out = std::string(*v);
  return Status::OK();
}

}  // namespace

Status ParseRecordFilters(const QueryParams& q, RecordQuery* query) {
  CSMS_RETURN_IF_ERROR(ParseName(q, "event_name", &query->event_name));
  CSMS_RETURN_IF_ERROR(ParseName(q, "secret_name", &query->secret_name));
  if (auto t = q.Get("trigger_event_type")) {
    query->trigger_event_type = ParseEventType(*t);
    if (!query->trigger_event_type) return errors::InvalidParameter("invalid trigger_event_type: unknown event type");
  }
  if (auto s = q.Get("notification_status")) {
    query->status = ParseNotificationStatus(*s);
    if (!query->status) {
      return errors::InvalidParameter("invalid notification_status: must be SUCCESS, FAIL, INVALID or PENDING");
    }
  }
  CSMS_RETURN_IF_ERROR(ParseMillis(q, "start_time", &query->start_time));
  CSMS_RETURN_IF_ERROR(ParseMillis(q, "end_time", &query->end_time));
  return Status::OK();
}

}  // namespace csms::http::handlers
