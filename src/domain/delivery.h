// Delivery of notifications: what the dispatcher claims, each attempt it makes, the outcome it
// stores, what the record-detail API shows, and an event's webhook signing secrets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.h"
#include "domain/notification_record.h"

namespace csms {

// One attempt to deliver a notification, as kept in the attempt log.
struct DeliveryAttempt {
  int64_t number = 0;   // 1, 2, ... per notification, across redeliveries
  int64_t time = 0;     // ms, when the attempt ended (in doubt: when it was found cut off)
  int http_status = 0;  // 0: no HTTP answer
  int64_t latency_us = 0;
  std::string error;  // why it failed ("" for a 2xx)
  // The attempt was claimed (and maybe sent) but its dispatcher never saved an outcome: it was
  // killed, stopped before the answer came, or lost its lease. The receiver may or may not have
  // got it; the notification is delivered again with the same webhook-id.
  bool in_doubt = false;
};

// The error text of in-doubt attempts: found when a process starts (the previous one's claims),
// and when a lease that ran out is claimed again.
inline constexpr std::string_view kInDoubtAfterRestart =
    "in doubt: csmsd stopped while this attempt was in flight; the receiver may or may not have received it";
inline constexpr std::string_view kInDoubtLeaseExpired =
    "in doubt: no outcome was saved before the attempt's lease ran out; the receiver may or may not have received it";

// A PENDING notification claimed for delivery (its lease is held by the claiming dispatcher).
struct ClaimedNotification {
  std::string record_id, project_id, event_name, secret_name, target_id, content;
  std::optional<TargetType> target_type;        // unset: the stored type is unknown (the record ends INVALID)
  std::optional<EventType> trigger_event_type;  // unset: the stored type is unknown (the record ends INVALID)
  int64_t attempt_count = 0;                    // attempts made so far (all rounds, in-doubt ones included)
  int64_t round_attempts = 0;                   // failed attempts in the current delivery round
  std::optional<int64_t> round_start;           // first attempt of the current round
};

// What one attempt leads to. status PENDING = try again at next_attempt_at.
struct DeliveryOutcome {
  std::string record_id;
  DeliveryAttempt attempt;
  NotificationStatus status = NotificationStatus::kPending;
  std::optional<int64_t> next_attempt_at;
  int64_t round_attempts = 0;
  int64_t round_start = 0;
  // For the logs and metrics only (not stored): whose notification it was and where it went.
  std::string project_id, event_name;
  std::optional<TargetType> target_type;
};

// A record with its delivery state and attempts (GET .../notification-records/{record_id}).
struct RecordDetail {
  NotificationRecord record;
  int64_t attempt_count = 0;
  std::optional<int64_t> final_time;  // when it reached its final status
  std::optional<std::string> last_error;
  std::vector<DeliveryAttempt> attempts;  // oldest first
};

// One webhook signing secret of an event, sealed under the master key.
struct WebhookSecret {
  std::string secret_id;
  std::string sealed;  // binary (crypto::Keyring::Seal)
  int64_t create_time = 0;
  std::optional<int64_t> expires_at;  // unset: the current secret; set: rotated out, signs until then
};

}  // namespace csms
