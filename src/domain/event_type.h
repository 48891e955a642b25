// The basic secret event types an event rule can subscribe to (spec §3.2).
#pragma once

#include <optional>
#include <string_view>

namespace csms {

enum class EventType {
  kVersionCreated,
  kVersionExpired,
  kVersionNearExpiry,
  kRotated,
  kRotatedFailed,
  kDeleted,
};

inline constexpr EventType kAllEventTypes[] = {
    EventType::kVersionCreated, EventType::kVersionExpired, EventType::kVersionNearExpiry,
    EventType::kRotated,        EventType::kRotatedFailed,  EventType::kDeleted,
};

std::string_view EventTypeName(EventType type);
std::optional<EventType> ParseEventType(std::string_view name);

}  // namespace csms
