#include "domain/notification_record.h"

namespace csms {

std::string_view NotificationStatusName(NotificationStatus s) {
  switch (s) {
    case NotificationStatus::kPending:
      return "PENDING";
    case NotificationStatus::kSuccess:
      return "SUCCESS";
    case NotificationStatus::kFail:
      return "FAIL";
    case NotificationStatus::kInvalid:
      return "INVALID";
  }
  return "";
}

std::optional<NotificationStatus> ParseNotificationStatus(std::string_view name) {
  for (auto s : {NotificationStatus::kPending, NotificationStatus::kSuccess, NotificationStatus::kFail,
                 NotificationStatus::kInvalid}) {
    if (NotificationStatusName(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace csms
