// Events API (spec §1.6): /v1/{project_id}/csms/events[/{event_name}].
#include <rapidjson/document.h>

#include "common/errors.h"
#include "common/utf8.h"
#include "domain/limits.h"
#include "domain/validation.h"
#include "http/handlers/handlers.h"
#include "json/event_json.h"
#include "json/reader.h"
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

// "A, B, C": every event type, in the domain's order (the list in error messages).
std::string AllEventTypeNames() {
  std::string out;
  for (EventType t : kAllEventTypes) {
    if (!out.empty()) out += ", ";
    out += EventTypeName(t);
  }
  return out;
}

Status ParseEventTypes(const json::ObjectReader& body, std::vector<EventType>* out) {
  std::vector<std::string> names;
  CSMS_RETURN_IF_ERROR(body.RequireStringArray("event_types", &names));
  out->clear();
  for (const auto& n : names) {
    auto t = ParseEventType(n);
    if (!t) {
      return errors::InvalidParameter("invalid event_types: unknown event type '" + std::string(utf8::Truncate(n, 64)) +
                                      "'; allowed: " + AllEventTypeNames());
    }
    out->push_back(*t);
  }
  return Status::OK();
}

Status ParseState(const json::ObjectReader& body, EventState* out) {
  std::string s;
  CSMS_RETURN_IF_ERROR(body.RequireString("state", &s));
  std::optional<EventState> state = ParseEventState(s);
  if (!state) return errors::InvalidParameter("invalid state: must be ENABLED or DISABLED");
  *out = *state;
  return Status::OK();
}

Status ParseNotification(const json::ObjectReader& body, NotificationTarget* out) {
  json::ObjectReader n(body);
  CSMS_RETURN_IF_ERROR(body.RequireObject("notification", &n));
  std::string type;
  CSMS_RETURN_IF_ERROR(n.RequireString("target_type", &type));
  std::optional<TargetType> target_type = ParseTargetType(type);
  if (!target_type) return errors::InvalidParameter("invalid notification.target_type: must be SMN or WEBHOOK");
  out->type = *target_type;
  CSMS_RETURN_IF_ERROR(n.RequireString("target_id", &out->id));
  CSMS_RETURN_IF_ERROR(n.RequireString("target_name", &out->name));
  return Status::OK();
}

Status CreateEvent(RequestContext& ctx, HttpResponse& res) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
  json::ObjectReader body(doc);
  CreateEventCommand cmd;
  CSMS_RETURN_IF_ERROR(body.RequireString("name", &cmd.name));
  CSMS_RETURN_IF_ERROR(validation::CheckName("name", cmd.name));
  CSMS_RETURN_IF_ERROR(ParseEventTypes(body, &cmd.event_types));
  CSMS_RETURN_IF_ERROR(ParseState(body, &cmd.state));
  CSMS_RETURN_IF_ERROR(ParseNotification(body, &cmd.notification));
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
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(ctx.req.body, &doc));
  json::ObjectReader body(doc);
  if (body.Has("name")) {
    std::string name;
    CSMS_RETURN_IF_ERROR(body.RequireString("name", &name));
    if (name != ctx.params.Get("event_name"))
      return errors::InvalidParameter("invalid name: an event cannot be renamed");
  }
  UpdateEventCommand cmd;
  if (body.Has("event_types") && !body.IsNull("event_types")) {
    cmd.event_types.emplace();
    CSMS_RETURN_IF_ERROR(ParseEventTypes(body, &*cmd.event_types));
  }
  if (body.Has("state") && !body.IsNull("state")) {
    cmd.state.emplace();
    CSMS_RETURN_IF_ERROR(ParseState(body, &*cmd.state));
  }
  if (body.Has("notification") && !body.IsNull("notification")) {
    cmd.notification.emplace();
    CSMS_RETURN_IF_ERROR(ParseNotification(body, &*cmd.notification));
  }
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
