#include "domain/event.h"

#include <algorithm>

namespace csms {

std::string_view TargetTypeName(TargetType t) { return t == TargetType::kSmn ? "SMN" : "WEBHOOK"; }
std::string_view EventStateName(EventState s) { return s == EventState::kEnabled ? "ENABLED" : "DISABLED"; }

std::optional<TargetType> ParseTargetType(std::string_view name) {
  for (TargetType t : {TargetType::kSmn, TargetType::kWebhook}) {
    if (TargetTypeName(t) == name) return t;
  }
  return std::nullopt;
}

std::optional<EventState> ParseEventState(std::string_view name) {
  for (EventState s : {EventState::kEnabled, EventState::kDisabled}) {
    if (EventStateName(s) == name) return s;
  }
  return std::nullopt;
}

bool Event::Subscribes(EventType type) const {
  return std::find(event_types.begin(), event_types.end(), type) != event_types.end();
}

}  // namespace csms
