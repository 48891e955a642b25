// Events API (spec §1.6): /v1/{project_id}/csms/events[/{event_name}].
#include "common/errors.h"
#include "domain/limits.h"
#include "domain/validation.h"
#include "http/handlers/event_body.h"
#include "http/handlers/handlers.h"
#include "json/event_json.h"
#include "service/event_service.h"

namespace csms::http::handlers {

void WritePageInfo(json::Writer& w, const std::optional<std::string>& next, const std::optional<std::string>& previous,
                   size_t count) {
  w.Key("page_info").StartObject();
  if (next) w.Field("next_marker", *next);
  if (previous) w.Field("previous_marker", *previous);
  w.Field("current_count", static_cast<int64_t>(count));
  w.EndObject();
}

namespace {

// `signing_secret` (extension): a WEBHOOK event's new signing secret, shown in the response that
// created it and never again.
std::string EventBody(const Event& e, const std::string& signing_secret = "") {
  if (signing_secret.empty() && !e.representation.empty()) return "{\"event\":" + e.representation + "}";
  json::Writer w;
  w.StartObject().Key("event");
  json::WriteEvent(w, e, signing_secret);
  w.EndObject();
  return w.Take();
}

Status CreateEvent(RequestContext& ctx, HttpResponse& res) {
  CreateEventCommand cmd;
  CSMS_RETURN_IF_ERROR(ReadCreateEventBody(ctx.req.body, &cmd));
  Event event;
  std::string signing_secret;
  CSMS_RETURN_IF_ERROR(ctx.services.events->Create(ctx.project_id(), cmd, &event, &signing_secret));
  res.body = EventBody(event, signing_secret);
  return Status::OK();
}

void WriteEventsPage(const JsonPage* page, HttpResponse& res) {
  json::Writer info;  // page_info, then spliced: the events are stored JSON and need no re-encoding
  info.StartObject();
  WritePageInfo(info, page->next_marker, page->previous_marker, page->count);
  info.EndObject();
  std::string page_info = info.Take();  // {"page_info":{...}}
  res.body.reserve(page->joined_items.size() + page_info.size() + 16);
  res.body = "{\"events\":[";
  res.body += page->joined_items;
  res.body += "],";
  res.body.append(page_info, 1);  // without its opening brace
}

Status ListEvents(RequestContext& ctx, HttpResponse& res) {
  int limit = 0;
  CSMS_RETURN_IF_ERROR(
      validation::ParseLimit(ctx.query.Get("limit"), limits::kDefaultPageSize, limits::kMaxPageSize, &limit));
  std::string marker(ctx.query.Get("marker").value_or(""));
  std::shared_ptr<const JsonPage> page;
  CSMS_RETURN_IF_ERROR(ctx.services.events->ListRepresentations(ctx.project_id(), marker, limit, &page));
  WriteEventsPage(page.get(), res);
  return Status::OK();
}

// ListEvents from memory, on the I/O thread (Route::cached), under ShowEventCached's rule; a bad
// limit or marker, or a page not in memory, leaves *served false and ListEvents runs on a reader.
Status ListEventsCached(RequestContext& ctx, HttpResponse& res, bool* served) {
  int limit = 0;
  if (!validation::ParseLimit(ctx.query.Get("limit"), limits::kDefaultPageSize, limits::kMaxPageSize, &limit).ok()) {
    return Status::OK();
  }
  std::string marker(ctx.query.Get("marker").value_or(""));
  std::shared_ptr<const JsonPage> page;
  *served = ctx.services.events->CachedPage(ctx.project_id(), marker, limit, &page);
  if (*served) WriteEventsPage(page.get(), res);
  return Status::OK();
}

Status ShowEvent(RequestContext& ctx, HttpResponse& res) {
  Event event;
  CSMS_RETURN_IF_ERROR(ctx.services.events->Get(ctx.project_id(), ctx.params.Get("event_name"), &event));
  res.body = EventBody(event);
  return Status::OK();
}

// ShowEvent from memory, on the I/O thread (Route::cached): the event as this process last read it,
// when no event was written since; otherwise *served stays false and ShowEvent runs on a reader.
Status ShowEventCached(RequestContext& ctx, HttpResponse& res, bool* served) {
  std::shared_ptr<const std::string> representation;
  *served = ctx.services.events->CachedRepresentation(ctx.project_id(), ctx.params.Get("event_name"), &representation);
  if (*served) {
    res.body.reserve(representation->size() + 10);
    res.body = "{\"event\":";
    res.body += *representation;
    res.body += '}';
  }
  return Status::OK();
}

Status UpdateEvent(RequestContext& ctx, HttpResponse& res) {
  UpdateEventCommand cmd;
  CSMS_RETURN_IF_ERROR(ReadUpdateEventBody(ctx.req.body, ctx.params.Get("event_name"), &cmd));
  Event event;
  std::string signing_secret;
  CSMS_RETURN_IF_ERROR(
      ctx.services.events->Update(ctx.project_id(), ctx.params.Get("event_name"), cmd, &event, &signing_secret));
  res.body = EventBody(event, signing_secret);
  return Status::OK();
}

Status DeleteEvent(RequestContext& ctx, HttpResponse& res) {
  CSMS_RETURN_IF_ERROR(ctx.services.events->Delete(ctx.project_id(), ctx.params.Get("event_name")));
  res.status = 204;
  return Status::OK();
}

}  // namespace

void RegisterEventRoutes(Router<Route>& r) {
  r.Add("POST", "/v1/{project_id}/csms/events", {CreateEvent, Access::kProject, "csms:event:create"});
  r.Add("GET", "/v1/{project_id}/csms/events",
        {ListEvents, Access::kProject, "csms:event:list", Execution::kByMethod, ListEventsCached});
  r.Add("GET", "/v1/{project_id}/csms/events/{event_name}",
        {ShowEvent, Access::kProject, "csms:event:get", Execution::kByMethod, ShowEventCached});
  r.Add("PUT", "/v1/{project_id}/csms/events/{event_name}", {UpdateEvent, Access::kProject, "csms:event:update"});
  r.Add("DELETE", "/v1/{project_id}/csms/events/{event_name}", {DeleteEvent, Access::kProject, "csms:event:delete"});
}

}  // namespace csms::http::handlers
