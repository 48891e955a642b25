// Delivery extensions (docs/api.md "Delivery"): a record with its attempts, redelivery of one
// record, bulk redrive by the listing's filters, test notifications, and rotation of a WEBHOOK
// event's signing secret.
#include <rapidjson/document.h>

#include "common/errors.h"
#include "domain/limits.h"
#include "domain/validation.h"
#include "http/handlers/handlers.h"
#include "json/reader.h"
#include "service/delivery_service.h"

namespace csms::http::handlers {
namespace {

Status NotRunning() { return errors::Unavailable("notification delivery is not configured on this server"); }

void WriteAttempt(json::Writer& w, const DeliveryAttempt& a) {
  w.StartObject();
  w.Field("number", a.number);
  w.Field("time", a.time);
  w.Field("http_status", a.http_status);
  w.Field("latency_us", a.latency_us);
  w.Field("error", a.error);
  w.Field("in_doubt", a.in_doubt);
  w.EndObject();
}

std::string RecordBody(const RecordDetail& d) {
  const NotificationRecord& r = d.record;
  json::Writer w;
  w.StartObject().Key("record").StartObject();
  WriteRecordFields(w, r);
  w.Field("notification_target_type", r.target_type);
  w.Field("attempt_count", d.attempt_count);
  if (r.notification_status == NotificationStatus::kPending && r.next_attempt_at) {
    w.Field("next_attempt_time", *r.next_attempt_at);
  }
  if (d.final_time) w.Field("final_time", *d.final_time);
  if (d.last_error) w.Field("last_error", *d.last_error);
  w.Key("attempts").StartArray();
  for (const DeliveryAttempt& a : d.attempts) WriteAttempt(w, a);
  w.EndArray();
  w.EndObject().EndObject();
  return w.Take();
}

Status ShowRecord(RequestContext& ctx, HttpResponse& res) {
  if (!ctx.services.delivery) return NotRunning();
  RecordDetail detail;
  CSMS_RETURN_IF_ERROR(ctx.services.delivery->GetRecord(ctx.project_id(), ctx.params.Get("record_id"), &detail));
  res.body = RecordBody(detail);
  return Status::OK();
}

Status RedeliverRecord(RequestContext& ctx, HttpResponse& res) {
  if (!ctx.services.delivery) return NotRunning();
  RecordDetail detail;
  CSMS_RETURN_IF_ERROR(ctx.services.delivery->Redeliver(ctx.project_id(), ctx.params.Get("record_id"), &detail));
  res.body = RecordBody(detail);
  return Status::OK();
}

// The listing's filters come as query parameters; `limit` (1–1000, default 1000) bounds one call.
Status RedriveRecords(RequestContext& ctx, HttpResponse& res) {
  if (!ctx.services.delivery) return NotRunning();
  RecordQuery query;
  query.project_id = ctx.project_id();
  CSMS_RETURN_IF_ERROR(
      validation::ParseLimit(ctx.query.Get("limit"), limits::kMaxPageSize, limits::kMaxPageSize, &query.limit));
  CSMS_RETURN_IF_ERROR(ParseRecordFilters(ctx.query, &query));
  int64_t count = 0;
  CSMS_RETURN_IF_ERROR(ctx.services.delivery->Redrive(query, &count));
  json::Writer w;
  w.StartObject().Field("redriven_count", count).Field("more", count >= query.limit).EndObject();
  res.body = w.Take();
  return Status::OK();
}

std::string TestBody(const TestNotificationResult& result) {
  json::Writer w;
  w.StartObject().Key("test").StartObject();
  w.Field("notification_id", result.notification_id);
  w.Field("notification_status", NotificationStatusName(result.status));
  w.Field("http_status", result.attempt.http_status);
  w.Field("latency_us", result.attempt.latency_us);
  w.Field("error", result.attempt.error);
  w.EndObject().EndObject();
  return w.Take();
}

// Route::async on the network pool: starts the test and returns; the dispatcher's completion
// answers (decision 124).
void TestEvent(RequestContext& ctx, AsyncReply reply) {
  if (!ctx.services.delivery) return reply(NotRunning(), HttpResponse{});
  ctx.services.delivery->SendTest(ctx.project_id(), ctx.params.Get("event_name"),
                                  [reply = std::move(reply)](Status s, TestNotificationResult result) {
                                    if (!s.ok()) return reply(s, HttpResponse{});
                                    HttpResponse res;
                                    res.body = TestBody(result);
                                    reply(Status::OK(), std::move(res));
                                  });
}

// Body (optional): {"overlap_seconds": N} — how long the previous secret keeps signing.
Status RotateSigningSecret(RequestContext& ctx, HttpResponse& res) {
  if (!ctx.services.delivery) return NotRunning();
  std::optional<int64_t> overlap_ms;
  if (!ctx.req.body.empty()) {
    rapidjson::Document doc;
    CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
    json::ObjectReader body(doc);
    std::optional<int64_t> seconds;
    CSMS_RETURN_IF_ERROR(body.OptionalInt64("overlap_seconds", &seconds));
    if (seconds) {
      int64_t max_seconds = ctx.services.delivery->options().max_overlap_ms / 1000;
      if (*seconds < 0 || *seconds > max_seconds) {
        return errors::InvalidParameter("invalid overlap_seconds: must be between 0 and " +
                                        std::to_string(max_seconds));
      }
      overlap_ms = *seconds * 1000;
    }
  }
  RotatedSigningSecret rotated;
  CSMS_RETURN_IF_ERROR(
      ctx.services.delivery->RotateSigningSecret(ctx.project_id(), ctx.params.Get("event_name"), overlap_ms, &rotated));
  json::Writer w;
  w.StartObject();
  w.Field("signing_secret", rotated.signing_secret);
  w.Field("previous_secret_expire_time", rotated.previous_expire_time);
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

}  // namespace

void RegisterDeliveryRoutes(Router<Route>& r) {
  r.Add("POST", "/v1/{project_id}/csms/notification-records/redrive",
        {RedriveRecords, Access::kProject, "csms:event:update"});
  r.Add("GET", "/v1/{project_id}/csms/notification-records/{record_id}",
        {ShowRecord, Access::kProject, "csms:event:listNotificationRecords"});
  r.Add("POST", "/v1/{project_id}/csms/notification-records/{record_id}/redeliver",
        {RedeliverRecord, Access::kProject, "csms:event:update"});
  // Reads the event and starts the call on the network pool; the target's answer (or the delivery
  // timeout) answers the request without holding a thread (decision 124).
  r.Add("POST", "/v1/{project_id}/csms/events/{event_name}/test",
        Route{.handler = nullptr,
              .access = Access::kProject,
              .action = "csms:event:update",
              .execution = Execution::kWorker,
              .async = TestEvent});
  r.Add("POST", "/v1/{project_id}/csms/events/{event_name}/rotate-signing-secret",
        {RotateSigningSecret, Access::kProject, "csms:event:update"});
}

}  // namespace csms::http::handlers
