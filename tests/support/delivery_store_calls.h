// The delivery repository's calls as tests of a Store make them, each in its own transaction, with
// a failed call failing the test (the store tests of both engines: postgres_delivery_batch_test,
// postgres_outbox_test). Records belong to project "p", event "ev", secret "s".
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/delivery.h"
#include "domain/notification_record.h"
#include "store/store.h"

namespace csms::test {

// A webhook notification record `id` created at `due` (and due then, when PENDING).
inline NotificationRecord DeliveryRecord(const std::string& id, int64_t due,
                                         NotificationStatus status = NotificationStatus::kPending) {
  NotificationRecord r;
  r.record_id = id;
  r.project_id = "p";
  r.event_name = "ev";
  r.create_time = due;
  r.secret_name = "s";
  r.secret_type = "COMMON";
  r.target_type = "WEBHOOK";
  r.notification_target_id = "http://127.0.0.1:1/";
  r.notification_target_name = "t";
  r.notification_content = "{}";
  r.notification_status = status;
  if (status == NotificationStatus::kPending) r.next_attempt_at = due;
  return r;
}

inline void InsertRecord(Store& store, const NotificationRecord& r) {
  Status s = store.Write([&](Transaction& tx) { return tx.records().Insert(r); });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

inline std::vector<ClaimedNotification> ClaimDue(Store& store, int64_t now, int64_t lease_until,
                                                 const std::string& owner, int limit) {
  std::vector<ClaimedNotification> out;
  Status s = store.Write([&](Transaction& tx) { return tx.delivery().ClaimDue(now, lease_until, owner, limit, &out); });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

inline std::vector<bool> SaveOutcomes(Store& store, const std::string& owner,
                                      const std::vector<DeliveryOutcome>& outcomes) {
  std::vector<bool> applied;
  Status s = store.Write([&](Transaction& tx) { return tx.delivery().SaveOutcomes(owner, outcomes, &applied); });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return applied;
}

inline RecordDetail GetRecord(Store& store, const std::string& id) {
  RecordDetail d;
  Status s = store.Read([&](Transaction& tx) { return tx.delivery().GetRecord("p", id, &d); });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return d;
}

// Attempt `number` of `id` answered 200 at `time`.
inline DeliveryOutcome SuccessOutcome(const std::string& id, int64_t number, int64_t time, int64_t latency_us,
                                      int64_t round_start) {
  DeliveryOutcome o;
  o.record_id = id;
  o.attempt = DeliveryAttempt{number, time, 200, latency_us, ""};
  o.status = NotificationStatus::kSuccess;
  o.round_start = round_start;
  return o;
}

}  // namespace csms::test
