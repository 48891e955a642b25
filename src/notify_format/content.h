// notify_format/: the pure formats of a notification, shared by service/ (the outbox renders the
// content, the webhook signing-secret store makes and decodes secrets) and notify/ (the dispatcher
// signs what it sends). Plain functions only, no I/O and no state; it includes common/, crypto/,
// json/ and domain/ types and nothing above them, so both sides can use it without a cycle.
//
// The notification message (spec §3.3, seed ListNotificationRecords): a JSON object in camelCase,
// `{"eventName","eventType","eventTime","data":{...}}` with ISO-8601 UTC millisecond times, plus two
// csms extensions at the top level: `sequence` (per secret, increasing) and `notificationId`
// (stable across retries, for de-duplication). Never a secret value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/event_type.h"
#include "domain/secret.h"

namespace csms::notify_format {

// What a trigger knows beyond the secret; unset fields are left out of `data`.
struct TriggerDetails {
  std::optional<std::string> version_id;
  std::optional<int64_t> version_create_time;
  std::optional<int64_t> version_expire_time;
  std::optional<int64_t> near_expiry_lead_ms;        // SECRET_VERSION_NEAR_EXPIRY
  std::optional<std::string> task_id;                // rotations
  std::optional<std::string> error_code, error_msg;  // SECRET_ROTATED_FAILED
  std::optional<std::string> deletion_type;          // SECRET_DELETED: IMMEDIATE or SCHEDULED
};

// The message of a test notification (POST .../events/{name}/test): eventType TEST and a fixed
// `data.message`, never recorded.
std::string RenderTestContent(const std::string& event_name, int64_t event_time, const std::string& notification_id);

std::string RenderContent(const std::string& event_name, EventType type, int64_t event_time, const Secret& secret,
                          const TriggerDetails& details, int64_t sequence, const std::string& notification_id);

}  // namespace csms::notify_format
