// NotificationRecord: one notification produced by an event for a secret, and its delivery outcome
// (seed ListNotificationRecords; spec §2.7). Target fields are a snapshot taken when the record was
// created, so history keeps the target as it was even if the event is later changed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/event_type.h"

namespace csms {

enum class NotificationStatus { kPending, kSuccess, kFail, kInvalid };

std::string_view NotificationStatusName(NotificationStatus s);
std::optional<NotificationStatus> ParseNotificationStatus(std::string_view name);

struct NotificationRecord {
  std::string record_id;  // UUID; also the notificationId / webhook-id
  std::string project_id;
  std::string event_name;
  EventType trigger_event_type = EventType::kVersionCreated;
  int64_t create_time = 0;  // ms
  std::string secret_name;
  std::string secret_type;
  std::string target_type;  // "SMN" / "WEBHOOK"
  std::string notification_target_name;
  std::string notification_target_id;
  std::string notification_content;  // the JSON text that is (to be) delivered
  NotificationStatus notification_status = NotificationStatus::kPending;
  std::string secret_id;
  int64_t sequence = 0;                    // per-secret, increasing: lets receivers order and spot gaps
  std::optional<int64_t> next_attempt_at;  // PENDING rows: when the dispatcher may deliver it
};

// Filters and keyset position for listing records, newest first.
struct RecordQuery {
  std::string project_id;
  int64_t min_create_time = 0;                  // retention horizon, inclusive
  std::optional<int64_t> start_time, end_time;  // caller's window, inclusive
  std::optional<std::string> event_name, secret_name;
  std::optional<EventType> trigger_event_type;
  // Empty = the three final statuses; PENDING must be asked for explicitly.
  std::optional<NotificationStatus> status;
  // Keyset cursor: return records strictly "older" than (create_time, record_id).
  std::optional<int64_t> before_time;
  std::optional<std::string> before_id;
  int limit = 1000;
};

}  // namespace csms
