// Notification records (seed ListNotificationRecords): /v1/{project_id}/csms/notification-records.
#include <algorithm>

#include "common/errors.h"
#include "domain/limits.h"
#include "domain/validation.h"
#include "http/handlers/handlers.h"
#include "service/record_service.h"

namespace csms::http::handlers {

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
