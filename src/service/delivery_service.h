// DeliveryService: the delivery use cases of the API — a record with its attempts, redelivery of
// one record, bulk redrive by the listing's filters, rotation of an event's webhook signing
// secret, and test notifications. The dispatcher (notify/) does the delivering; this service only
// changes rows and wakes it.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "common/status.h"
#include "domain/delivery.h"
#include "domain/event.h"
#include "service/webhook_secrets.h"
#include "store/store.h"

namespace csms {

struct DeliveryServiceOptions {
  int retention_days = 90;                        // as the records listing
  int64_t default_overlap_ms = 24 * 3'600'000LL;  // old signing secret keeps signing this long
  int64_t max_overlap_ms = 7 * 24 * 3'600'000LL;
  // Test notifications of one project in flight at once (decision 115); more are refused at once
  // (503, Retry-After), so one project cannot take the share of tests every project has. 0 = no
  // limit.
  int tests_per_project = 2;
  // Test notifications in flight at once, all projects together (decision 124): each costs a
  // socket (no thread) until its target answers or times out; more: 503, Retry-After. 0 = no limit.
  int tests_in_flight = 256;
};

struct RotatedSigningSecret {
  std::string signing_secret;        // the new current secret, shown once
  int64_t previous_expire_time = 0;  // when the previous secret(s) stop signing (ms)
};

// What a test notification did; filled by the dispatcher.
struct TestNotificationResult {
  std::string notification_id;
  NotificationStatus status = NotificationStatus::kFail;  // SUCCESS, FAIL or INVALID: never retried
  DeliveryAttempt attempt;
};
// Starts a test notification to `event`'s target and returns; `done` gets the result exactly once,
// from any thread (e.g. notify::Dispatcher::SendTestAsync).
using TestSender = std::function<void(const Event& event, std::function<void(TestNotificationResult)> done)>;
// The answer of SendTest: an error (nothing was sent), or OK and the result.
using TestDone = std::function<void(Status, TestNotificationResult)>;

class DeliveryService {
 public:
  DeliveryService(Store* store, const Clock* clock, WebhookSecrets* secrets, DeliveryServiceOptions options)
      : store_(store), clock_(clock), secrets_(secrets), options_(options) {}

  // Wiring: what wakes the dispatcher after a change, and what sends a test notification.
  void set_wake(std::function<void()> wake) { wake_ = std::move(wake); }
  void set_test_sender(TestSender sender) { test_sender_ = std::move(sender); }
  void WakeDispatcher() const {
    if (wake_) wake_();
  }

  Status GetRecord(const std::string& project_id, const std::string& record_id, RecordDetail* out);
  // The record is delivered again (same id, content and target) in a new round; *out is the
  // record afterwards.
  Status Redeliver(const std::string& project_id, const std::string& record_id, RecordDetail* out);
  // Redelivers up to query.limit records matching the listing's filters (FAIL and INVALID unless
  // query.status says otherwise).
  Status Redrive(RecordQuery query, int64_t* count);
  // The event must deliver to a WEBHOOK. overlap_ms unset = the default.
  Status RotateSigningSecret(const std::string& project_id, const std::string& event_name,
                             std::optional<int64_t> overlap_ms, RotatedSigningSecret* out);
  // Reads the event and starts its test notification without waiting for the target: `done` gets
  // the answer exactly once, on the calling thread when the test is refused (no such event, a
  // cap reached) and otherwise from the sender's completion (whatever thread gives it). At most
  // options.tests_per_project of a project's tests and options.tests_in_flight of all projects'
  // run at once; more: Unavailable (503). A test counts until its completion, not until it starts.
  void SendTest(const std::string& project_id, const std::string& event_name, TestDone done);

  const DeliveryServiceOptions& options() const { return options_; }

  // Test notifications started and not yet answered or timed out, all projects together (the
  // /metrics gauge csms_test_notifications_in_flight). Thread-safe.
  int TestsInFlight() const;

 private:
  Store* store_;
  const Clock* clock_;
  WebhookSecrets* secrets_;
  DeliveryServiceOptions options_;
  std::function<void()> wake_;
  TestSender test_sender_;
  mutable std::mutex tests_mu_;
  std::unordered_map<std::string, int> tests_in_flight_;  // under tests_mu_: project id -> tests running
  int tests_total_ = 0;                                   // under tests_mu_: all projects' tests running
};

}  // namespace csms
