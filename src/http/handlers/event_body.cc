#include "http/handlers/event_body.h"

#include <rapidjson/document.h>

#include "common/errors.h"
#include "common/utf8.h"
#include "domain/validation.h"
#include "json/reader.h"

namespace csms::http::handlers {
namespace {

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

}  // namespace

Status ReadCreateEventBody(std::string_view text, CreateEventCommand* cmd) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  json::ObjectReader body(doc);
  CSMS_RETURN_IF_ERROR(body.RequireString("name", &cmd->name));
  CSMS_RETURN_IF_ERROR(validation::CheckName("name", cmd->name));
  CSMS_RETURN_IF_ERROR(ParseEventTypes(body, &cmd->event_types));
  CSMS_RETURN_IF_ERROR(ParseState(body, &cmd->state));
  CSMS_RETURN_IF_ERROR(ParseNotification(body, &cmd->notification));
  return Status::OK();
}

Status ReadUpdateEventBody(std::string_view text, std::string_view event_name, UpdateEventCommand* cmd) {
  rapidjson::Document doc;
  CSMS_RETURN_IF_ERROR(json::ParseObject(text, &doc));
  json::ObjectReader body(doc);
  if (body.Has("name")) {
    std::string name;
    CSMS_RETURN_IF_ERROR(body.RequireString("name", &name));
    if (name != event_name) return errors::InvalidParameter("invalid name: an event cannot be renamed");
  }
  if (body.Has("event_types") && !body.IsNull("event_types")) {
    cmd->event_types.emplace();
    CSMS_RETURN_IF_ERROR(ParseEventTypes(body, &*cmd->event_types));
  }
  if (body.Has("state") && !body.IsNull("state")) {
    cmd->state.emplace();
    CSMS_RETURN_IF_ERROR(ParseState(body, &*cmd->state));
  }
  if (body.Has("notification") && !body.IsNull("notification")) {
    cmd->notification.emplace();
    CSMS_RETURN_IF_ERROR(ParseNotification(body, &*cmd->notification));
  }
  return Status::OK();
}

}  // namespace csms::http::handlers
