#include "domain/event_type.h"

namespace csms {

std::string_view EventTypeName(EventType type) {
  switch (type) {
    case EventType::kVersionCreated:
      return "SECRET_VERSION_CREATED";
    case EventType::kVersionExpired:
      return "SECRET_VERSION_EXPIRED";
    case EventType::kVersionNearExpiry:
      return "SECRET_VERSION_NEAR_EXPIRY";
    case EventType::kRotated:
      return "SECRET_ROTATED";
    case EventType::kRotatedFailed:
      return "SECRET_ROTATED_FAILED";
    case EventType::kDeleted:
      return "SECRET_DELETED";
  }
  return "";
}

std::optional<EventType> ParseEventType(std::string_view name) {
  for (EventType t : kAllEventTypes) {
    if (EventTypeName(t) == name) return t;
  }
  return std::nullopt;
}

}  // namespace csms
