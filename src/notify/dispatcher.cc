#include "notify/dispatcher.h"

#include <algorithm>
#include <future>

#include "auth/signature.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/time_format.h"
#include "crypto/random.h"
#include "json/writer.h"
#include "net/http_call.h"
#include "notify/webhook_signature.h"

namespace csms::notify {
namespace {

constexpr std::string_view kWebhook = "WEBHOOK";
constexpr std::string_view kSmn = "SMN";
constexpr size_t kMaxErrorBytes = 300;

// An answer's body goes into the attempt log as a hint: short, one line, printable.
std::string ErrorFromAnswer(int status, const std::string& body_prefix) {
  std::string error = "HTTP " + std::to_string(status);
  if (body_prefix.empty()) return error;
  error += ": ";
  for (char c : body_prefix) {
    if (error.size() >= kMaxErrorBytes) break;
    error += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  return error;
}

std::string SmnSubject(EventType type, const std::string& secret_name) {
  return "CSMS " + std::string(EventTypeName(type)) + " " + secret_name;
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

Status Dispatcher::Init() { return net::AsyncHttpClient::Create(options_.http, &http_); }

Status Dispatcher::Start() {
  if (!http_) CSMS_RETURN_IF_ERROR(Init());
  if (options_.release_leases_at_start) {
    int64_t released = 0;
    CSMS_RETURN_IF_ERROR(store_->Write(
        [&](Transaction& tx) { return tx.delivery().ReleaseAllLeases(clock_->NowMillis(), &released); }));
    if (released > 0) log::Info("delivery: resuming " + std::to_string(released) + " notifications claimed before a restart");
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

void Dispatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    stop_ = true;
    wake_ = true;
  }
  cv_.notify_one();
  if (loop_.joinable()) loop_.join();
  // Whatever is still unanswered is cut off here; those rows keep their lease and come back.
  http_.reset();
}

void Dispatcher::Loop() {
  std::vector<DeliveryOutcome> unsaved;  // decided, not yet committed (kept across a failed commit)
  std::optional<int64_t> next_due;
  bool backlog = true;  // look for due rows at once: some may have waited for a restart
  bool store_failed = false;  // the last commit failed: pause before trying again
  std::optional<std::chrono::steady_clock::time_point> drain_deadline;
  for (;;) {
    std::deque<Completion> done;
    bool stopping = false, stop = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if ((!backlog && unsaved.empty()) || store_failed) {
        auto wait = options_.poll_interval;
        if (next_due) {
          auto until_due = std::chrono::milliseconds(std::max<int64_t>(*next_due - clock_->NowMillis(), 0));
          wait = std::min(wait, until_due);
        }
        if (stop_) wait = std::chrono::milliseconds(20);
        if (store_failed) wait = std::chrono::milliseconds(200);
        cv_.wait_for(lock, wait, [this] { return wake_ || !completed_.empty(); });
      }
      wake_ = false;
      done.swap(completed_);
      stopping = stopping_;
      stop = stop_;
    }
    if (stop && !drain_deadline) drain_deadline = std::chrono::steady_clock::now() + options_.drain_timeout;

    const int64_t now = clock_->NowMillis();
    for (Completion& c : done) {
      in_flight_ids_.erase(c.job.n.record_id);
      --in_flight_;
      metrics_->AddInFlight(-1);
      metrics_->RecordAttempt(c.response.latency.count());
      unsaved.push_back(Decide(c.job, c.response, now));
    }
    const int claim = stopping ? 0 : std::min(options_.claim_batch, options_.max_in_flight - in_flight_);
    std::vector<ClaimedNotification> claimed;
    if (!unsaved.empty() || claim > 0) {
      Status s = Commit(unsaved, claim, &claimed, &next_due);
      store_failed = !s.ok();
      if (store_failed) {
        log::Warn("delivery: cannot save outcomes or claim notifications: " + s.ToString());
        backlog = false;  // the store is busy or broken: the outcomes are kept and saved later
        if (stop && std::chrono::steady_clock::now() >= *drain_deadline) break;
        continue;
      }
      unsaved.clear();
    }
    for (ClaimedNotification& n : claimed) {
      // Our own delivery still in flight whose lease ran out (only a clock moved by --dev does
      // that): the claim renewed the lease; one delivery at a time is enough.
      if (in_flight_ids_.count(n.record_id)) continue;
      InFlight job{std::move(n), now};
      net::OutgoingRequest req;
      std::string error;
      bool retryable = false;
      if (!BuildRequest(job.n, &req, &error, &retryable)) {
        if (retryable) {
          net::ResponseInfo failure;
          failure.error = std::move(error);
          unsaved.push_back(Decide(job, failure, now));
        } else {
          unsaved.push_back(Invalid(job, std::move(error), now));
        }
        continue;
      }
      ++in_flight_;
      in_flight_ids_.insert(job.n.record_id);
      metrics_->AddInFlight(1);
      http_->Send(std::move(req), [this, job = std::move(job)](net::ResponseInfo response) mutable {
        {
          std::lock_guard<std::mutex> lock(mu_);
          completed_.push_back(Completion{std::move(job), std::move(response)});
        }
        cv_.notify_one();
      });
    }
    backlog = claim > 0 && static_cast<int>(claimed.size()) == claim;
    if (stop) {
      if (in_flight_ == 0 && unsaved.empty()) break;
      if (std::chrono::steady_clock::now() >= *drain_deadline) {
        if (!unsaved.empty()) {
          std::vector<ClaimedNotification> none;
          Status saved = Commit(unsaved, 0, &none, &next_due);
          if (!saved.ok()) {
            // Their leases run out and the next start delivers them again: at least once, never lost.
            log::Warn("delivery: cannot save " + std::to_string(unsaved.size()) +
                      " outcomes at shutdown; those notifications will be delivered again: " + saved.ToString());
          }
        }
        if (in_flight_ > 0) {
          log::Warn("delivery: " + std::to_string(in_flight_) +
                    " deliveries unanswered at shutdown; they will be delivered again after a restart");
        }
        break;
      }
    }
  }
}

Status Dispatcher::Commit(const std::vector<DeliveryOutcome>& outcomes, int claim,
                          std::vector<ClaimedNotification>* claimed, std::optional<int64_t>* next_due) {
  std::vector<char> applied(outcomes.size(), 0);
  const auto steady_now = std::chrono::steady_clock::now();
  const bool count_depth = steady_now - last_depth_count_ >= std::chrono::seconds(1);
  int64_t depth = -1;
  // Relaxed durability: a claim or an outcome lost to a power cut only means delivering again.
  Status s = store_->WriteRelaxed([&](Transaction& tx) -> Status {
    claimed->clear();
    for (size_t i = 0; i < outcomes.size(); ++i) {
      bool a = false;
      CSMS_RETURN_IF_ERROR(tx.delivery().SaveOutcome(owner_, outcomes[i], &a));
      applied[i] = a;
    }
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
  if (count_depth && !store_->Read([&](Transaction& tx) { return tx.delivery().CountPending(&depth); }).ok()) depth = -1;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (!applied[i]) continue;
    if (outcomes[i].status == NotificationStatus::kPending) metrics_->RecordRetryScheduled();
    else metrics_->RecordFinal(outcomes[i].status);
  }
  if (depth >= 0) {
    metrics_->SetQueueDepth(depth);
    last_depth_count_ = steady_now;
  }
  return Status::OK();
}

bool Dispatcher::BuildWebhook(const std::string& project_id, const std::string& event_name, const std::string& url,
                              const std::string& webhook_id, const std::string& body, net::OutgoingRequest* req,
                              std::string* error, bool* retryable) {
  net::Url parsed;
  if (!net::ParseUrl(url, &parsed)) {
    *error = "the webhook URL is not a valid http(s) URL";
    return false;
  }
  std::vector<std::string> keys;
  Status s = secrets_->LiveKeys(project_id, event_name, &keys);
  if (!s.ok()) {
    *error = "cannot read the webhook signing secret of event " + event_name + ": " + s.message();
    *retryable = s.kind() == Status::Kind::kUnavailable || s.kind() == Status::Kind::kInternal;
    return false;
  }
  if (keys.empty()) {
    *error = "event " + event_name +
             " has no webhook signing secret (the event was deleted, or made before signing secrets existed: "
             "rotate its signing secret)";
    return false;
  }
  const int64_t timestamp = wire_clock_->NowSeconds();
  req->method = "POST";
  req->url = url;
  req->body = body;
  req->headers = {{"Content-Type", "application/json"},
                  {"webhook-id", webhook_id},
                  {"webhook-timestamp", std::to_string(timestamp)},
                  {"webhook-signature", SignatureHeader(keys, webhook_id, timestamp, body)}};
  return true;
}

bool Dispatcher::BuildRequest(const ClaimedNotification& n, net::OutgoingRequest* req, std::string* error,
                              bool* retryable) {
  *retryable = false;
  if (n.target_type == kWebhook) {
    return BuildWebhook(n.project_id, n.event_name, n.target_id, n.record_id, n.content, req, error, retryable);
  }
  if (n.target_type == kSmn) {
    if (options_.smn.endpoint.empty()) {
      *error = "no SMN endpoint is configured on this server (--smn-endpoint)";
      return false;
    }
    std::string project = SmnProjectId(options_.smn, n.project_id, n.target_id);
    *req = BuildSmnPublish(options_.smn, project, n.target_id, SmnSubject(n.trigger_event_type, n.secret_name),
                           n.content, auth::FormatSdkDate(wire_clock_->NowSeconds()));
    return true;
  }
  *error = "unknown target type " + n.target_type;
  return false;
}

DeliveryOutcome Dispatcher::Invalid(const InFlight& job, std::string error, int64_t now) {
  DeliveryOutcome o;
  o.record_id = job.n.record_id;
  o.attempt.number = job.n.attempt_count + 1;
  o.attempt.time = now;
  o.attempt.error = std::move(error);
  o.status = NotificationStatus::kInvalid;
  o.round_attempts = job.n.round_attempts;
  o.round_start = job.n.round_start.value_or(now);
  return o;
}

DeliveryOutcome Dispatcher::Decide(const InFlight& job, const net::ResponseInfo& r, int64_t now) {
  DeliveryOutcome o;
  o.record_id = job.n.record_id;
  o.attempt.number = job.n.attempt_count + 1;
  o.attempt.time = now;
  o.attempt.http_status = r.status;
  o.attempt.latency_us = r.latency.count();
  o.round_attempts = job.n.round_attempts;
  o.round_start = job.n.round_start.value_or(job.started_ms);
  if (r.status == 0) o.attempt.error = r.error;
  else if (r.status < 200 || r.status > 299) o.attempt.error = ErrorFromAnswer(r.status, r.body_prefix);

  if (job.n.target_type == kSmn && r.status == 404) {
    o.status = NotificationStatus::kInvalid;  // the topic does not exist: retrying cannot help
    return o;
  }
  switch (Classify(r.status)) {
    case AttemptClass::kSuccess:
      o.status = NotificationStatus::kSuccess;
      return o;
    case AttemptClass::kPermanent:
      o.status = NotificationStatus::kFail;
      return o;
    case AttemptClass::kRetryable:
      break;
  }
  const int failed = static_cast<int>(job.n.round_attempts) + 1;
  std::optional<int64_t> retry_after;
  if (r.status == 429 || r.status == 503) retry_after = ParseRetryAfter(r.retry_after, wire_clock_->NowMillis());
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

Status Dispatcher::SendTest(const Event& event, TestNotificationResult* out) {
  if (!http_) return errors::Unavailable("notification delivery is not running");
  const int64_t now = clock_->NowMillis();
  out->notification_id = crypto::NewUuid();
  json::Writer w;
  w.StartObject();
  w.Field("eventName", event.name);
  w.Field("eventType", "TEST");
  w.Field("eventTime", FormatIso8601Millis(now));
  w.Key("data").StartObject().Field("message", "a test notification from csms").EndObject();
  w.Field("notificationId", out->notification_id);
  w.EndObject();
  const std::string content = w.Take();

  out->attempt = DeliveryAttempt{};
  out->attempt.number = 1;
  net::OutgoingRequest req;
  std::string error;
  bool built = false;
  if (event.notification.type == TargetType::kWebhook) {
    bool retryable = false;
    built = BuildWebhook(event.project_id, event.name, event.notification.id, out->notification_id, content, &req, &error,
                         &retryable);
  } else if (options_.smn.endpoint.empty()) {
    error = "no SMN endpoint is configured on this server (--smn-endpoint)";
  } else {
    built = true;
    req = BuildSmnPublish(options_.smn, SmnProjectId(options_.smn, event.project_id, event.notification.id),
                          event.notification.id, "CSMS test notification", content,
                          auth::FormatSdkDate(wire_clock_->NowSeconds()));
  }
  if (!built) {
    out->attempt.time = clock_->NowMillis();
    out->attempt.error = error;
    out->status = NotificationStatus::kInvalid;
    return Status::OK();
  }
  auto promise = std::make_shared<std::promise<net::ResponseInfo>>();
  std::future<net::ResponseInfo> answer = promise->get_future();
  http_->Send(std::move(req), [promise](net::ResponseInfo r) { promise->set_value(std::move(r)); });
  auto limit = options_.http.total_timeout + options_.http.connect_timeout + std::chrono::seconds(1);
  if (answer.wait_for(limit) != std::future_status::ready) {
    out->attempt.time = clock_->NowMillis();
    out->attempt.error = "no answer in time";
    out->status = NotificationStatus::kFail;
    return Status::OK();
  }
  net::ResponseInfo r = answer.get();
  out->attempt.time = clock_->NowMillis();
  out->attempt.http_status = r.status;
  out->attempt.latency_us = r.latency.count();
  if (r.status == 0) out->attempt.error = r.error;
  else if (r.status < 200 || r.status > 299) out->attempt.error = ErrorFromAnswer(r.status, r.body_prefix);
  if (Classify(r.status) == AttemptClass::kSuccess) out->status = NotificationStatus::kSuccess;
  else if (event.notification.type == TargetType::kSmn && r.status == 404) out->status = NotificationStatus::kInvalid;
  else out->status = NotificationStatus::kFail;
  return Status::OK();
}

}  // namespace csms::notify
