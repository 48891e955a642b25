#include "json/event_json.h"

namespace csms::json {

void WriteEvent(Writer& w, const Event& e, const std::string& signing_secret) {
  w.StartObject();
  w.Field("state", EventStateName(e.state));
  w.Field("name", e.name);
  w.Field("event_id", e.event_id);
  w.Key("event_types").StartArray();
  for (EventType t : e.event_types) w.String(EventTypeName(t));
  w.EndArray();
  w.Field("create_time", e.create_time);
  w.Field("update_time", e.update_time);
  w.Key("notification").StartObject();
  w.Field("target_type", TargetTypeName(e.notification.type));
  w.Field("target_id", e.notification.id);
  w.Field("target_name", e.notification.name);
  if (!signing_secret.empty()) w.Field("signing_secret", signing_secret);
  w.EndObject();
  w.EndObject();
}

std::string RenderEvent(const Event& e) {
  Writer w;
  WriteEvent(w, e);
  return w.Take();
}

}  // namespace csms::json
