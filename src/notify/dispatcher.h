// Dispatcher: turns PENDING notification rows (the outbox, service/outbox.h) into deliveries and
// final statuses. One thread claims due rows in batches under a lease (so replicas and a crashed
// process never lose or double-own one), hands them to the async HTTP client, and writes every
// attempt and outcome in batched transactions — each loop is a single transaction that saves the
// finished attempts and claims the next rows. It is woken in-process when a trigger commits and
// also polls (other replicas' triggers, retries coming due, crash recovery).
//
// Guarantees: at-least-once delivery with a stable webhook-id (the record id); kill -9 loses
// nothing (claims are leases, released at the next start of a single-process store or when they
// end); Stop drains in-flight deliveries within a bounded time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "domain/delivery.h"
#include "domain/event.h"
#include "net/async_http_client.h"
#include "notify/metrics.h"
#include "notify/retry_policy.h"
#include "notify/smn.h"
#include "service/delivery_service.h"
#include "service/webhook_secrets.h"
#include "store/store.h"

namespace csms::notify {

struct DispatcherOptions {
  int max_in_flight = 512;                    // deliveries in flight at once, all targets together
  int claim_batch = 256;                      // rows claimed per transaction at most
  std::chrono::milliseconds poll_interval{1000};
  int64_t lease_ms = 60'000;                  // a claim not finished within this is up for grabs again
  std::chrono::milliseconds drain_timeout{5000};  // Stop waits this long for in-flight deliveries
  bool release_leases_at_start = true;        // single-process store: the previous process's claims died with it
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
  // Deliveries still unanswered then stay PENDING and are delivered again later (same webhook-id).
  void Stop();

  // Sends one test notification to `event`'s target now and waits for the answer (no retries,
  // no record). Blocks the caller for at most the total timeout.
  Status SendTest(const Event& event, TestNotificationResult* out);

 private:
  struct InFlight {
    ClaimedNotification n;
    int64_t started_ms = 0;
  };
  struct Completion {
    InFlight job;
    net::ResponseInfo response;
  };

  void Loop();
  // Builds the request of a claimed notification; false with *error when it cannot be sent:
  // INVALID, or retried later when *retryable (the store could not be read).
  bool BuildRequest(const ClaimedNotification& n, net::OutgoingRequest* req, std::string* error, bool* retryable);
  bool BuildWebhook(const std::string& project_id, const std::string& event_name, const std::string& url,
                    const std::string& webhook_id, const std::string& body, net::OutgoingRequest* req,
                    std::string* error, bool* retryable);
  void Deliver(InFlight job);
  DeliveryOutcome Decide(const InFlight& job, const net::ResponseInfo& response, int64_t now);
  DeliveryOutcome Invalid(const InFlight& job, std::string error, int64_t now);
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
  std::unique_ptr<net::AsyncHttpClient> http_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = false;
  bool stopping_ = false;  // no more claims
  bool stop_ = false;      // drain, then end the loop
  std::deque<Completion> completed_;
  int in_flight_ = 0;      // loop thread only
  std::unordered_set<std::string> in_flight_ids_;  // loop thread only
  std::chrono::steady_clock::time_point last_depth_count_{};
  std::thread loop_;
};

}  // namespace csms::notify
