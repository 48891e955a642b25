#include "service/delivery_service.h"

#include "common/errors.h"
#include "common/utf8.h"
#include "domain/limits.h"
#include "domain/validation.h"

namespace csms {
namespace {

// Record ids are UUIDs; anything else cannot name a record.
bool LooksLikeRecordId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status RecordNotFound(const std::string& id) {
  return errors::ResourceNotFound("notification record " + std::string(utf8::Truncate(id, 64)) + " does not exist");
}

}  // namespace

Status DeliveryService::GetRecord(const std::string& project_id, const std::string& record_id, RecordDetail* out) {
  if (!LooksLikeRecordId(record_id)) return RecordNotFound(record_id);
  Status s = store_->Read([&](Transaction& tx) { return tx.delivery().GetRecord(project_id, record_id, out); });
  return s.IsNotFound() ? RecordNotFound(record_id) : s;
}

Status DeliveryService::Redeliver(const std::string& project_id, const std::string& record_id, RecordDetail* out) {
  if (!LooksLikeRecordId(record_id)) return RecordNotFound(record_id);
  Status s = store_->Write([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(tx.delivery().Redeliver(project_id, record_id, clock_->NowMillis()));
    return tx.delivery().GetRecord(project_id, record_id, out);
  });
  if (s.IsNotFound()) return RecordNotFound(record_id);
  CSMS_RETURN_IF_ERROR(s);
  WakeDispatcher();
  return Status::OK();
}

Status DeliveryService::Redrive(RecordQuery query, int64_t* count) {
  if (query.start_time && query.end_time && *query.start_time > *query.end_time) {
    return errors::InvalidParameter("invalid start_time: must not be later than end_time");
  }
  const int64_t now = clock_->NowMillis();
  query.min_create_time = now - options_.retention_days * limits::kMillisPerDay;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) { return tx.delivery().Redrive(query, now, count); }));
  if (*count > 0) WakeDispatcher();
  return Status::OK();
}

Status DeliveryService::RotateSigningSecret(const std::string& project_id, const std::string& event_name,
                                            std::optional<int64_t> overlap_ms, RotatedSigningSecret* out) {
  if (!validation::IsValidName(event_name)) return errors::EventNotFound(event_name);
  int64_t overlap = overlap_ms.value_or(options_.default_overlap_ms);
  if (overlap < 0 || overlap > options_.max_overlap_ms) {
    return errors::InvalidParameter("invalid overlap_seconds: must be between 0 and " +
                                    std::to_string(options_.max_overlap_ms / 1000));
  }
  Status s = store_->Write([&](Transaction& tx) -> Status {
    Event event;
    CSMS_RETURN_IF_ERROR(tx.events().Get(project_id, event_name, &event));
    if (event.notification.type != TargetType::kWebhook) {
      return errors::NotAWebhookEvent("event " + event_name + " delivers to " +
                                      std::string(TargetTypeName(event.notification.type)) +
                                      ", not to a WEBHOOK: it has no signing secret");
    }
    out->previous_expire_time = clock_->NowMillis() + overlap;
    return secrets_->Rotate(tx, project_id, event_name, out->previous_expire_time, &out->signing_secret);
  });
  secrets_->Invalidate(project_id, event_name);
  return s.IsNotFound() ? errors::EventNotFound(event_name) : s;
}

int DeliveryService::TestsInFlight() const {
  std::lock_guard<std::mutex> lock(tests_mu_);
  return tests_total_;
}

void DeliveryService::SendTest(const std::string& project_id, const std::string& event_name, TestDone done) {
  if (!validation::IsValidName(event_name)) return done(errors::EventNotFound(event_name), {});
  Event event;
  Status s = store_->Read([&](Transaction& tx) { return tx.events().Get(project_id, event_name, &event); });
  if (s.IsNotFound()) return done(errors::EventNotFound(event_name), {});
  if (!s.ok()) return done(s, {});
  if (!test_sender_) return done(errors::Unavailable("notification delivery is not running on this server"), {});
  const int cap = options_.tests_per_project;
  const int total_cap = options_.tests_in_flight;
  {
    std::lock_guard<std::mutex> lock(tests_mu_);
    if (total_cap > 0 && tests_total_ >= total_cap) {
      return done(errors::Unavailable("the server already has " + std::to_string(tests_total_) +
                                      " test notifications in flight (at most " + std::to_string(total_cap) +
                                      " at once); retry when one has finished"),
                  {});
    }
    int& running = tests_in_flight_[project_id];
    if (cap > 0 && running >= cap) {
      return done(errors::Unavailable("this project already has " + std::to_string(running) +
                                      " test notifications in flight (at most " + std::to_string(cap) +
                                      " at once); retry when one has finished"),
                  {});
    }
    ++running;
    ++tests_total_;
  }
  // Released in the completion: a test counts until its target has answered or timed out.
  test_sender_(event, [this, project_id, done = std::move(done)](TestNotificationResult result) {
    {
      std::lock_guard<std::mutex> lock(tests_mu_);
      --tests_total_;
      auto it = tests_in_flight_.find(project_id);
      if (--it->second == 0) tests_in_flight_.erase(it);
    }
    done(Status::OK(), std::move(result));
  });
}

}  // namespace csms
