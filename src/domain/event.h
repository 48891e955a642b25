// Event: a named, project-scoped notification rule (spec §2.5, §3.1). It does nothing on its own;
// secrets subscribe to it, and it decides which of their lifecycle changes produce notifications.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event_type.h"

namespace csms {

enum class TargetType { kSmn, kWebhook };
enum class EventState { kEnabled, kDisabled };

std::string_view TargetTypeName(TargetType t);
std::string_view EventStateName(EventState s);
// "SMN" / "WEBHOOK" and "ENABLED" / "DISABLED"; nullopt for anything else.
std::optional<TargetType> ParseTargetType(std::string_view name);
std::optional<EventState> ParseEventState(std::string_view name);

struct NotificationTarget {
  TargetType type = TargetType::kSmn;
  std::string id;    // SMN topic URN, or the webhook URL
  std::string name;  // topic name / display name
};

struct Event {
  std::string project_id;
  std::string name;
  std::string event_id;  // server-generated UUID
  std::vector<EventType> event_types;
  EventState state = EventState::kEnabled;
  NotificationTarget notification;
  int64_t create_time = 0;  // ms
  int64_t update_time = 0;  // ms
  // The API JSON of this event (json/event_json.h), stored with the row by the event service.
  std::string representation;

  bool Subscribes(EventType type) const;
};

}  // namespace csms
