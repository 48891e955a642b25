// --dev only: GET/POST /csms-dev/clock reads, sets or advances the server clock so that clients'
// tests can exercise token expiry, version expiry and retention without waiting, and
// POST /csms-dev/scheduler/tick runs one scheduler pass at once and says what it did, and
// GET /csms-dev/writer shows the store writer's statistics while POST /csms-dev/writer/hold and
// /csms-dev/writer/release stop and restart it between groups (writes queue up meanwhile). These
// routes do not exist unless csmsd runs with --dev.
#include <rapidjson/document.h>

#include "common/clock.h"
#include "common/errors.h"
#include "http/handlers/handlers.h"
#include "json/reader.h"
#include "scheduler/scheduler.h"
#include "service/delivery_service.h"
#include "service/writer_control.h"

namespace csms::http::handlers {
namespace {

Status WriteClock(RequestContext& ctx, HttpResponse& res) {
  json::Writer w;
  w.StartObject()
      .Field("now_ms", ctx.services.dev_clock->NowMillis())
      .Field("offset_ms", ctx.services.dev_clock->offset())
      .EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status SetClock(RequestContext& ctx, HttpResponse& res) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
  json::ObjectReader body(doc);
  std::optional<int64_t> advance, now;
  CSMS_RETURN_IF_ERROR(body.OptionalInt64("advance_ms", &advance));
  CSMS_RETURN_IF_ERROR(body.OptionalInt64("now_ms", &now));
  if (advance.has_value() == now.has_value()) return errors::InvalidParameter("give exactly one of advance_ms, now_ms");
  // The clock stays within 1970..9000 (common/clock.h): anything else is refused, so no later
  // addition of a duration to "now" can overflow or leave the four-digit years.
  const std::string range = "the clock must stay between 1970-01-01T00:00:00Z (0) and 9000-01-01T00:00:00Z (" +
                            std::to_string(kMaxClockMillis) + ")";
  if (advance && !ctx.services.dev_clock->Advance(*advance)) {
    return errors::InvalidParameter("invalid advance_ms: " + range);
  }
  if (now && !ctx.services.dev_clock->Set(*now)) return errors::InvalidParameter("invalid now_ms: " + range);
  if (ctx.services.scheduler) ctx.services.scheduler->Wake();
  if (ctx.services.delivery) ctx.services.delivery->WakeDispatcher();  // retries may have come due
  return WriteClock(ctx, res);
}

// Runs one scheduler tick now (including due rotation-function calls) and reports its counts.
Status SchedulerTick(RequestContext& ctx, HttpResponse& res) {
  if (!ctx.services.scheduler) return errors::Unavailable("the scheduler is not running");
  TickStats stats;
  CSMS_RETURN_IF_ERROR(ctx.services.scheduler->Tick(true, &stats));
  json::Writer w;
  w.StartObject();
  w.Field("now_ms", ctx.services.dev_clock->NowMillis());
  w.Field("expiries", static_cast<int64_t>(stats.expiries));
  w.Field("rotations", static_cast<int64_t>(stats.rotations));
  w.Field("deletions", static_cast<int64_t>(stats.deletions));
  w.Field("rotation_tasks", static_cast<int64_t>(stats.rotation_tasks));
  w.Field("records_purged", stats.records_purged);
  w.Field("tasks_purged", stats.tasks_purged);
  w.Field("more_due", stats.full);
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

// The store writer's figures: queue, groups, commit latency (store/store.h StoreStats).
Status WriterStats(RequestContext& ctx, HttpResponse& res) {
  if (!ctx.services.writer) return errors::Unavailable("the store has no writer statistics");
  const StoreStats s = ctx.services.writer->Stats();
  json::Writer w;
  w.StartObject();
  w.Field("held", s.held);
  w.Field("queue_depth", s.queue_depth);
  w.Field("queue_limit", s.queue_limit);
  w.Field("groups", s.groups);
  w.Field("jobs", s.jobs);
  w.Field("jobs_failed", s.jobs_failed);
  w.Field("groups_failed", s.groups_failed);
  w.Field("rejected", s.rejected);
  w.Field("async_jobs", s.async_jobs);
  w.Field("last_group_size", s.last_group_size);
  w.Field("max_group_size", s.max_group_size);
  // Bucket i counts groups of [2^i, 2^(i+1)) writes; the last one everything larger.
  w.Key("group_sizes").StartArray();
  for (int64_t n : s.group_sizes) w.Int(n);
  w.EndArray();
  w.Field("last_commit_us", s.last_commit_us);
  w.Field("max_commit_us", s.max_commit_us);
  w.Field("total_commit_us", s.total_commit_us);
  w.EndObject();
  res.body = w.Take();
  return Status::OK();
}

Status HoldWriter(RequestContext& ctx, HttpResponse& res) {
  if (!ctx.services.writer) return errors::Unavailable("the store has no writer to hold");
  ctx.services.writer->Hold(true);
  return WriterStats(ctx, res);
}

Status ReleaseWriter(RequestContext& ctx, HttpResponse& res) {
  if (!ctx.services.writer) return errors::Unavailable("the store has no writer to release");
  ctx.services.writer->Hold(false);
  return WriterStats(ctx, res);
}

}  // namespace

void RegisterDevRoutes(Router<Route>& r) {
  r.Add("GET", "/csms-dev/clock", ClientCertRoute({WriteClock, Access::kPublic, ""}));
  r.Add("POST", "/csms-dev/clock", ClientCertRoute({SetClock, Access::kPublic, ""}));
  r.Add("POST", "/csms-dev/scheduler/tick", ClientCertRoute({SchedulerTick, Access::kPublic, ""}));
  r.Add("GET", "/csms-dev/writer", ClientCertRoute({WriterStats, Access::kPublic, ""}));
  r.Add("POST", "/csms-dev/writer/hold", ClientCertRoute({HoldWriter, Access::kPublic, ""}));
  r.Add("POST", "/csms-dev/writer/release", ClientCertRoute({ReleaseWriter, Access::kPublic, ""}));
}

}  // namespace csms::http::handlers
