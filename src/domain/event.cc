#include "domain/event.h"

#include <algorithm>

namespace csms {

std::string_view TargetTypeName(TargetType t) { return t == TargetType::kSmn ? "SMN" : "WEBHOOK"; }
std::optional<TargetType> ParseTargetType(std::string_view name) {
  if (name == "SMN") return TargetType::kSmn;
  if (name == "WEBHOOK") return TargetType::kWebhook;
  return std::nullopt;
}
std::string_view EventStateName(EventState s) { return s == EventState::kEnabled ? "ENABLED" : "DISABLED"; }

bool Event::Subscribes(EventType type) const {
  return std::find(event_types.begin(), event_types.end(), type) != event_types.end();
}

}  // namespace csms
