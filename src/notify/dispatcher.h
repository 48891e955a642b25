// Dispatcher: turns PENDING notification rows (the outbox, service/outbox.h) into deliveries and
// final statuses. One thread claims due rows in batches under a lease (so replicas and a crashed
// process never lose or double-own one), hands them to the async HTTP client, and writes every
// attempt and outcome in batched transactions — each loop is a single transaction that saves the
// finished attempts and claims the next rows. It is woken in-process when a trigger commits and
// also polls (other replicas' triggers, retries coming due, crash recovery).
//
// Guarantees: at-least-once delivery with a stable webhook-id (the record id); kill -9 loses
// nothing (claims are leases, released at the next start of a single-process store or when they
// end) and the attempt it cut off stays in the log as in doubt; Stop drains in-flight deliveries
// within a bounded time and hands the claims still unanswered back (due at once, for another
// replica or the next start).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "domain/delivery.h"
#include "domain/event.h"
#include "net/async_http_client.h"
#include "notify/attempt.h"
#include "notify/metrics.h"
#include "notify/retry_policy.h"
#include "notify/smn.h"
#include "service/delivery_service.h"
#include "service/webhook_secrets.h"
#include "store/store.h"

namespace csms::notify {

struct DispatcherOptions {
  int max_in_flight = 512;  // deliveries in flight at once, all targets together
  int claim_batch = 256;    // rows claimed per transaction at most
  std::chrono::milliseconds poll_interval{1000};
  int64_t lease_ms = 60'000;                      // a claim not finished within this is up for grabs again
  std::chrono::milliseconds drain_timeout{5000};  // Stop waits this long for in-flight deliveries
  bool release_leases_at_start = true;            // single-process store: the previous process's claims died with it
  net::AsyncHttpOptions http;
  RetryOptions retry;
  SmnConfig smn;
};

class Dispatcher {
 public:
  // `clock` drives scheduling (the --dev clock moves it); `wire_clock` stamps what receivers
  // check against their own clocks (webhook-timestamp, X-Sdk-Date): always the real time.
  Dispatcher(Store* store, const Clock* clock, const Clock* wire_clock, WebhookSecrets* secrets,
             DeliveryMetrics* metrics, DispatcherOptions options);
  ~Dispatcher();

  // Creates the HTTP client (fails on an unreadable CA file). Enough for SendTest.
  Status Init();
  // Releases stale leases (if so configured) and starts the delivery loop.
  Status Start();
  // Delivers due notifications now (a trigger committed, the clock moved).
  void Wake();
  // Stops claiming; in-flight deliveries keep going until Stop.
  void BeginStop();
  // Waits up to drain_timeout for in-flight deliveries, saves their outcomes, and ends the loop.
  // Deliveries still unanswered then stay PENDING, are handed back (lease released, attempt in
  // doubt) and delivered again at once by another replica or the next start (same webhook-id).
  void Stop();

  // Sends one test notification to `event`'s target now (no retries, no record) without waiting:
  // `done` gets the result exactly once, on the HTTP client's thread when the target answers or a
  // timeout (connect, total) ends the attempt, or on the calling thread at once when nothing can be
  // sent (INVALID) or delivery is not running (FAIL). `done` must not block.
  void SendTestAsync(const Event& event, std::function<void(TestNotificationResult)> done);

 private:
  void DestroyClient();  // Stop: http_ gone, its calls in flight answered "client shut down"

  struct InFlight {
    ClaimedNotification n;
    int64_t started_ms = 0;
  };
  struct Completion {
    InFlight job;
    net::ResponseInfo response;
  };
  // What is to be sent: a claimed notification, or a test notification.
  struct Message {
    TargetType target_type = TargetType::kSmn;
    std::string_view project_id, event_name, target_id;
    std::string_view id;  // webhook-id / notificationId
    std::string_view content;
    std::string smn_subject;
  };
  // The request of a message, or (not_sent) the result of an attempt that could not be made.
  struct Prepared {
    net::OutgoingRequest request;
    std::optional<AttemptResult> not_sent;
  };
  // The loop's own state between passes (loop thread only).
  struct LoopState {
    std::vector<DeliveryOutcome> unsaved;  // decided, not yet committed (kept across a failed commit)
    std::optional<int64_t> next_due;       // the earliest PENDING next_attempt_at seen
    bool backlog = true;                   // the last claim was full: look for more at once (also at start)
    bool store_failed = false;             // the last commit failed: pause before trying again
    std::optional<std::chrono::steady_clock::time_point> drain_deadline;  // set once Stop is called
  };
  // What a wait brought: finished deliveries and the stop requests.
  struct Signals {
    std::deque<Completion> done;
    bool stopping = false;
    bool stop = false;
  };

  // The loop: wait for work, turn finished deliveries into outcomes, save them and claim more
  // in one transaction, send the claimed ones; after Stop, drain and exit.
  void Loop();
  Signals Wait(const LoopState& st);
  void Collect(std::deque<Completion>& done, int64_t now, LoopState& st);
  // Saves st.unsaved and claims up to `claim` rows; false when the store failed (outcomes kept).
  bool SaveAndClaim(int claim, LoopState& st, std::vector<ClaimedNotification>* claimed);
  void Launch(std::vector<ClaimedNotification>& claimed, int64_t now, LoopState& st);
  // After Stop: true when the loop may end (drained, or the drain time is over).
  bool Drained(LoopState& st);

  Prepared Prepare(const Message& m);
  Prepared PrepareWebhook(const Message& m);
  DeliveryOutcome Outcome(const InFlight& job, const AttemptResult& result, int64_t now);
  // One transaction: save `outcomes`, claim up to `claim` rows (into *claimed) and find the next
  // due time; then, about once a second, count the queue depth in a read transaction.
  Status Commit(const std::vector<DeliveryOutcome>& outcomes, int claim, std::vector<ClaimedNotification>* claimed,
                std::optional<int64_t>* next_due);

  Store* store_;
  const Clock* clock_;
  const Clock* wire_clock_;
  WebhookSecrets* secrets_;
  DeliveryMetrics* metrics_;
  DispatcherOptions options_;
  RetryPolicy retry_;
  std::string owner_;  // this process's lease owner id
  // Set by Init, destroyed by Stop (after the loop has ended). The loop thread uses it unlocked;
  // SendTestAsync, called on API threads that may outlive Stop, under http_mu_.
  std::unique_ptr<net::AsyncHttpClient> http_;
  std::mutex http_mu_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = false;
  bool stopping_ = false;  // no more claims
  bool stop_ = false;      // drain, then end the loop
  std::deque<Completion> completed_;
  int in_flight_ = 0;                              // loop thread only
  std::unordered_set<std::string> in_flight_ids_;  // loop thread only
  std::chrono::steady_clock::time_point last_depth_count_{};
  std::thread loop_;
};

}  // namespace csms::notify
