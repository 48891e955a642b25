// Notification records (seed ListNotificationRecords): /v1/{project_id}/csms/notification-records.
#include <algorithm>

#include "common/errors.h"
#include "domain/limits.h"
#include "domain/validation.h"
#include "http/handlers/handlers.h"
#include "service/record_service.h"

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

void WriteRecordFields(json::Writer& w, const NotificationRecord& r) {
  w.Field("event_name", r.event_name);
  w.Field("trigger_event_type", EventTypeName(r.trigger_event_type));
  w.Field("create_time", r.create_time);
  w.Field("secret_name", r.secret_name);
  w.Field("secret_type", r.secret_type);
  w.Field("notification_target_name", r.notification_target_name);
  w.Field("notification_target_id", r.notification_target_id);
  w.Field("notification_content", r.notification_content);
  w.Field("notification_status", NotificationStatusName(r.notification_status));
  w.Field("record_id", r.record_id);
}

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

namespace {

void WriteRecord(json::Writer& w, const NotificationRecord& r) {
  w.StartObject();
  WriteRecordFields(w, r);
  w.EndObject();
}

Status ListRecords(RequestContext& ctx, HttpResponse& res) {
  const QueryParams& q = ctx.query;
  RecordQuery query;
  query.project_id = ctx.project_id();
  // Without `limit` a caller gets up to the documented array maximum (1000): the current API has
  // no paging parameters, so such clients must see everything in one response.
  CSMS_RETURN_IF_ERROR(
      validation::ParseLimit(q.Get("limit"), limits::kMaxPageSize, limits::kMaxPageSize, &query.limit));
  CSMS_RETURN_IF_ERROR(ParseRecordFilters(q, &query));
  std::string marker(q.Get("marker").value_or(""));

  Page<NotificationRecord> page;
  CSMS_RETURN_IF_ERROR(ctx.services.records->List(std::move(query), marker, &page));
  json::Writer w;
  w.StartObject().Key("records").StartArray();
  for (const auto& r : page.items) WriteRecord(w, r);
  w.EndArray();
  WritePageInfo(w, page.next_marker, page.previous_marker, page.items.size());
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

}  // namespace

void RegisterRecordRoutes(Router<Route>& r) {
  r.Add("GET", "/v1/{project_id}/csms/notification-records",
        {ListRecords, Access::kProject, "csms:event:listNotificationRecords"});
}

}  // namespace csms::http::handlers
