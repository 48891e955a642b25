#include "notify/dispatcher.h"

#include <algorithm>

#include "auth/signature.h"
#include "common/errors.h"
#include "common/log.h"
#include "crypto/random.h"
#include "net/http_call.h"
#include "notify_format/content.h"
#include "notify_format/webhook_signature.h"

namespace csms::notify {
namespace {

std::string SmnSubject(EventType type, const std::string& secret_name) {
  return "CSMS " + std::string(EventTypeName(type)) + " " + secret_name;
}

// A test notification is never retried: what would be tried again is a FAIL, and a request that
// cannot be made is INVALID.
NotificationStatus TestStatus(Verdict v) {
  switch (v) {
    case Verdict::kSuccess:
      return NotificationStatus::kSuccess;
    case Verdict::kInvalid:
      return NotificationStatus::kInvalid;
    case Verdict::kFail:
    case Verdict::kRetryable:
      break;
  }
  return NotificationStatus::kFail;
}

}  // namespace

Dispatcher::Dispatcher(Store* store, const Clock* clock, const Clock* wire_clock, WebhookSecrets* secrets,
                       DeliveryMetrics* metrics, DispatcherOptions options)
    : store_(store),
      clock_(clock),
      wire_clock_(wire_clock),
      secrets_(secrets),
      metrics_(metrics),
      options_(std::move(options)),
      retry_(options_.retry),
      owner_("dispatcher-" + crypto::NewUuid()) {}

Dispatcher::~Dispatcher() { Stop(); }

Status Dispatcher::Init() {
  std::string error;
  auto client = net::AsyncHttpClient::Create(options_.http, &error);
  if (!client) return errors::InvalidParameter(error);
  std::lock_guard<std::mutex> lock(http_mu_);
  http_ = std::move(client);
  return Status::OK();
}

Status Dispatcher::Start() {
  if (!http_) CSMS_RETURN_IF_ERROR(Init());
  if (options_.release_leases_at_start) {
    int64_t released = 0;
    CSMS_RETURN_IF_ERROR(
        store_->Write([&](Transaction& tx) { return tx.delivery().ReleaseAllLeases(clock_->NowMillis(), &released); }));
    if (released > 0)
      log::Info("delivery: resuming " + std::to_string(released) + " notifications claimed before a restart");
  }
  loop_ = std::thread([this] { Loop(); });
  return Status::OK();
}

void Dispatcher::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = true;
  }
  cv_.notify_one();
}

void Dispatcher::BeginStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    wake_ = true;
  }
  cv_.notify_one();
}

// Taken under http_mu_ and destroyed outside it: the destructor runs the callbacks of calls still
// in flight, and a test's callback must not find the lock held.
void Dispatcher::DestroyClient() {
  std::unique_ptr<net::AsyncHttpClient> client;
  {
    std::lock_guard<std::mutex> lock(http_mu_);
    client = std::move(http_);
  }
  client.reset();
}

void Dispatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    stop_ = true;
    wake_ = true;
  }
  cv_.notify_one();
  if (!loop_.joinable()) {
    DestroyClient();
    return;
  }
  loop_.join();
  // Whatever is still unanswered is cut off here; then those rows are handed back (due now, their
  // attempt logged as in doubt) so another replica or the next start delivers them at once, with
  // the same webhook-id. If that write fails they come back when their lease ends.
  DestroyClient();
  int64_t released = 0;
  Status s = store_->Write(
      [&](Transaction& tx) { return tx.delivery().ReleaseLeasesOf(owner_, clock_->NowMillis(), &released); });
  if (!s.ok()) {
    log::Warn("delivery: cannot hand back unfinished notifications (they come due when their lease ends): " +
              s.ToString());
  } else if (released > 0) {
    log::Info("delivery: handed back " + std::to_string(released) + " unfinished notifications");
  }
}

void Dispatcher::Loop() {
  LoopState st;
  for (;;) {
    Signals sig = Wait(st);
    if (sig.stop && !st.drain_deadline) st.drain_deadline = std::chrono::steady_clock::now() + options_.drain_timeout;
    const int64_t now = clock_->NowMillis();
    Collect(sig.done, now, st);
    const int claim = sig.stopping ? 0 : std::min(options_.claim_batch, options_.max_in_flight - in_flight_);
    std::vector<ClaimedNotification> claimed;
    if (!SaveAndClaim(claim, st, &claimed)) {
      if (sig.stop && std::chrono::steady_clock::now() >= *st.drain_deadline) break;
      continue;
    }
    Launch(claimed, now, st);
    st.backlog = claim > 0 && static_cast<int>(claimed.size()) == claim;
    if (sig.stop && Drained(st)) break;
  }
}

Dispatcher::Signals Dispatcher::Wait(const LoopState& st) {
  Signals sig;
  std::unique_lock<std::mutex> lock(mu_);
  // Sleep only when there is nothing to do now: no full claim to follow up, no outcome to save
  // (unless the store just failed, which deserves a pause).
  if ((!st.backlog && st.unsaved.empty()) || st.store_failed) {
    auto wait = options_.poll_interval;
    if (st.next_due) {
      auto until_due = std::chrono::milliseconds(std::max<int64_t>(*st.next_due - clock_->NowMillis(), 0));
      wait = std::min(wait, until_due);
    }
    if (stop_) wait = std::chrono::milliseconds(20);
    if (st.store_failed) wait = std::chrono::milliseconds(200);
    cv_.wait_for(lock, wait, [this] { return wake_ || !completed_.empty(); });
  }
  wake_ = false;
  sig.done.swap(completed_);
  sig.stopping = stopping_;
  sig.stop = stop_;
  return sig;
}

void Dispatcher::Collect(std::deque<Completion>& done, int64_t now, LoopState& st) {
  for (Completion& c : done) {
    in_flight_ids_.erase(c.job.n.record_id);
    --in_flight_;
    metrics_->AddInFlight(-1);
    metrics_->RecordAttempt(c.response.latency.count());
    // A claimed row always has a known target type (Launch ends the others at once).
    st.unsaved.push_back(Outcome(c.job, ClassifyAnswer(*c.job.n.target_type, c.response), now));
  }
}

bool Dispatcher::SaveAndClaim(int claim, LoopState& st, std::vector<ClaimedNotification>* claimed) {
  if (st.unsaved.empty() && claim <= 0) return true;
  Status s = Commit(st.unsaved, claim, claimed, &st.next_due);
  st.store_failed = !s.ok();
  if (st.store_failed) {
    log::Warn("delivery: cannot save outcomes or claim notifications: " + s.ToString());
    st.backlog = false;  // the store is busy or broken: the outcomes are kept and saved later
    return false;
  }
  st.unsaved.clear();
  return true;
}

void Dispatcher::Launch(std::vector<ClaimedNotification>& claimed, int64_t now, LoopState& st) {
  for (ClaimedNotification& n : claimed) {
    // Our own delivery still in flight whose lease ran out (only a clock moved by --dev does
    // that): the claim renewed the lease; one delivery at a time is enough.
    if (in_flight_ids_.count(n.record_id)) continue;
    InFlight job{std::move(n), now};
    if (!job.n.target_type || !job.n.trigger_event_type) {
      const char* what = job.n.target_type ? "unknown trigger event type" : "unknown target type";
      st.unsaved.push_back(Outcome(job, NotSent(Verdict::kInvalid, what), now));
      continue;
    }
    Message m{*job.n.target_type,
              job.n.project_id,
              job.n.event_name,
              job.n.target_id,
              job.n.record_id,
              job.n.content,
              SmnSubject(*job.n.trigger_event_type, job.n.secret_name)};
    Prepared p = Prepare(m);
    if (p.not_sent) {
      st.unsaved.push_back(Outcome(job, *p.not_sent, now));
      continue;
    }
    ++in_flight_;
    in_flight_ids_.insert(job.n.record_id);
    metrics_->AddInFlight(1);
    http_->Send(std::move(p.request), [this, job = std::move(job)](net::ResponseInfo response) mutable {
      {
        std::lock_guard<std::mutex> lock(mu_);
        completed_.push_back(Completion{std::move(job), std::move(response)});
      }
      cv_.notify_one();
    });
  }
}

bool Dispatcher::Drained(LoopState& st) {
  if (in_flight_ == 0 && st.unsaved.empty()) return true;
  if (std::chrono::steady_clock::now() < *st.drain_deadline) return false;
  if (!st.unsaved.empty()) {
    std::vector<ClaimedNotification> none;
    Status s = Commit(st.unsaved, 0, &none, &st.next_due);
    if (!s.ok()) log::Warn("delivery: cannot save outcomes at shutdown: " + s.ToString());
  }
  if (in_flight_ > 0) {
    log::Warn("delivery: " + std::to_string(in_flight_) +
              " deliveries unanswered at shutdown; they will be delivered again (same webhook-id)");
  }
  return true;
}

Status Dispatcher::Commit(const std::vector<DeliveryOutcome>& outcomes, int claim,
                          std::vector<ClaimedNotification>* claimed, std::optional<int64_t>* next_due) {
  std::vector<bool> applied(outcomes.size(), false);
  const auto steady_now = std::chrono::steady_clock::now();
  const bool count_depth = steady_now - last_depth_count_ >= std::chrono::seconds(1);
  int64_t depth = -1;
  // Relaxed durability: a claim or an outcome lost to a power cut only means delivering again.
  Status s = store_->WriteRelaxed([&](Transaction& tx) -> Status {
    claimed->clear();
    if (!outcomes.empty()) CSMS_RETURN_IF_ERROR(tx.delivery().SaveOutcomes(owner_, outcomes, &applied));
    if (claim > 0) {
      const int64_t now = clock_->NowMillis();
      CSMS_RETURN_IF_ERROR(tx.delivery().ClaimDue(now, now + options_.lease_ms, owner_, claim, claimed));
      next_due->reset();
      if (static_cast<int>(claimed->size()) < claim) CSMS_RETURN_IF_ERROR(tx.delivery().NextDueTime(next_due));
    }
    return Status::OK();
  });
  if (!s.ok()) {
    claimed->clear();
    return s;
  }
  // Counting scans the PENDING rows: in a read transaction, which never holds up writers.
  if (count_depth && !store_->Read([&](Transaction& tx) { return tx.delivery().CountPending(&depth); }).ok())
    depth = -1;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (!applied[i]) continue;
    const DeliveryOutcome& o = outcomes[i];
    if (o.status == NotificationStatus::kPending) {
      metrics_->RecordRetryScheduled();
      continue;
    }
    metrics_->RecordFinal(o.status, o.target_type);
    // One line per final outcome: ids, names and the HTTP status only, never the content or the
    // receiver's answer (the record's last_error shows that).
    log::Write(o.status == NotificationStatus::kSuccess ? log::Level::kInfo : log::Level::kWarn, "notification",
               {{"record_id", o.record_id},
                {"project_id", o.project_id},
                {"event_name", o.event_name},
                {"target_type", o.target_type ? TargetTypeName(*o.target_type) : std::string_view("unknown")},
                {"status", NotificationStatusName(o.status)},
                {"attempt", o.attempt.number},
                {"http_status", o.attempt.http_status},
                {"latency_us", o.attempt.latency_us}});
  }
  if (depth >= 0) {
    metrics_->SetQueueDepth(depth);
    last_depth_count_ = steady_now;
  }
  return Status::OK();
}

Dispatcher::Prepared Dispatcher::PrepareWebhook(const Message& m) {
  Prepared p;
  const std::string url(m.target_id), event_name(m.event_name);
  net::Url parsed;
  if (!net::ParseUrl(url, &parsed)) {
    p.not_sent = NotSent(Verdict::kInvalid, "the webhook URL is not a valid http(s) URL");
    return p;
  }
  std::vector<std::string> keys;
  Status s = secrets_->LiveKeys(std::string(m.project_id), event_name, &keys);
  if (!s.ok()) {
    // The store could not be read: try again later. Anything else about the secret will not mend.
    const bool retry = s.kind() == Status::Kind::kUnavailable || s.kind() == Status::Kind::kInternal;
    p.not_sent = NotSent(retry ? Verdict::kRetryable : Verdict::kInvalid,
                         "cannot read the webhook signing secret of event " + event_name + ": " + s.message());
    return p;
  }
  if (keys.empty()) {
    p.not_sent = NotSent(Verdict::kInvalid,
                         "event " + event_name +
                             " has no webhook signing secret (the event was deleted, or made before signing secrets "
                             "existed: rotate its signing secret)");
    return p;
  }
  const int64_t timestamp = wire_clock_->NowSeconds();
  p.request.method = "POST";
  p.request.url = url;
  p.request.body = std::string(m.content);
  p.request.headers = {{"Content-Type", "application/json"},
                       {"webhook-id", std::string(m.id)},
                       {"webhook-timestamp", std::to_string(timestamp)},
                       {"webhook-signature", notify_format::SignatureHeader(keys, m.id, timestamp, m.content)}};
  return p;
}

Dispatcher::Prepared Dispatcher::Prepare(const Message& m) {
  if (m.target_type == TargetType::kWebhook) return PrepareWebhook(m);
  Prepared p;
  if (options_.smn.endpoint.empty()) {
    p.not_sent = NotSent(Verdict::kInvalid, "no SMN endpoint is configured on this server (--smn-endpoint)");
    return p;
  }
  const std::string topic(m.target_id);
  p.request = BuildSmnPublish(options_.smn, SmnProjectId(options_.smn, std::string(m.project_id), topic), topic,
                              m.smn_subject, std::string(m.content), auth::FormatSdkDate(wire_clock_->NowSeconds()));
  return p;
}

DeliveryOutcome Dispatcher::Outcome(const InFlight& job, const AttemptResult& r, int64_t now) {
  DeliveryOutcome o;
  o.record_id = job.n.record_id;
  o.project_id = job.n.project_id;
  o.event_name = job.n.event_name;
  o.target_type = job.n.target_type;
  o.attempt.number = job.n.attempt_count + 1;
  o.attempt.time = now;
  o.attempt.http_status = r.http_status;
  o.attempt.latency_us = r.latency_us;
  o.attempt.error = r.error;
  o.round_attempts = job.n.round_attempts;
  o.round_start = job.n.round_start.value_or(job.started_ms);
  switch (r.verdict) {
    case Verdict::kSuccess:
      o.status = NotificationStatus::kSuccess;
      return o;
    case Verdict::kFail:
      o.status = NotificationStatus::kFail;
      return o;
    case Verdict::kInvalid:
      o.status = NotificationStatus::kInvalid;
      return o;
    case Verdict::kRetryable:
      break;
  }
  const int failed = static_cast<int>(job.n.round_attempts) + 1;
  std::optional<int64_t> retry_after;
  if (!r.retry_after.empty()) retry_after = ParseRetryAfter(r.retry_after, wire_clock_->NowMillis());
  std::optional<int64_t> next = retry_.NextAttempt(failed, o.round_start, now, retry_after);
  if (!next) {
    o.status = NotificationStatus::kFail;
    o.attempt.error += " (gave up after " + std::to_string(failed) + " attempts)";
    return o;
  }
  o.status = NotificationStatus::kPending;
  o.next_attempt_at = *next;
  o.round_attempts = failed;
  return o;
}

void Dispatcher::SendTestAsync(const Event& event, std::function<void(TestNotificationResult)> done) {
  auto out = std::make_shared<TestNotificationResult>();
  out->notification_id = crypto::NewUuid();
  // The attempt's fields as the API shows them.
  auto finish = [clock = clock_, out, done = std::move(done)](AttemptResult result) {
    out->attempt = DeliveryAttempt{};
    out->attempt.number = 1;
    out->attempt.time = clock->NowMillis();
    out->attempt.http_status = result.http_status;
    out->attempt.latency_us = result.latency_us;
    out->attempt.error = std::move(result.error);
    out->status = TestStatus(result.verdict);
    done(std::move(*out));
  };
  const std::string content = notify_format::RenderTestContent(event.name, clock_->NowMillis(), out->notification_id);
  Message m{event.notification.type, event.project_id, event.name, event.notification.id, out->notification_id, content,
            "CSMS test notification"};
  Prepared p = Prepare(m);
  if (p.not_sent) {
    AttemptResult result = std::move(*p.not_sent);
    result.verdict = Verdict::kInvalid;
    return finish(std::move(result));
  }
  // The client enforces the connect and total timeouts and calls back exactly once (also with
  // "client shut down" when Stop destroys it), so nothing waits here. Send only queues the call.
  std::unique_lock<std::mutex> lock(http_mu_);
  if (!http_) {
    lock.unlock();
    return finish(NotSent(Verdict::kFail, "notification delivery is not running"));
  }
  http_->Send(std::move(p.request), [type = event.notification.type, finish = std::move(finish)](
                                        net::ResponseInfo r) mutable { finish(ClassifyAnswer(type, std::move(r))); });
}

}  // namespace csms::notify
