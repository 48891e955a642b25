#include "service/event_service.h"

#include <chrono>

#include "common/errors.h"
#include "crypto/random.h"
#include "domain/validation.h"
#include "json/event_json.h"
#include "service/webhook_secrets.h"

namespace csms {

Status EventService::Create(const std::string& project_id, const CreateEventCommand& cmd, Event* out,
                            std::string* signing_secret) {
  CSMS_RETURN_IF_ERROR(validation::CheckName("name", cmd.name));
  CSMS_RETURN_IF_ERROR(validation::CheckEventTypes(cmd.event_types));
  CSMS_RETURN_IF_ERROR(validation::CheckNotificationTarget(cmd.notification, options_.destinations));

  Event event;
  event.project_id = project_id;
  event.name = cmd.name;
  event.event_id = crypto::NewUuid();
  event.event_types = cmd.event_types;
  event.state = cmd.state;
  event.notification = cmd.notification;
  event.create_time = event.update_time = clock_->NowMillis();
  event.representation = json::RenderEvent(event);

  Status written = store_->Write([&](Transaction& tx) -> Status {
    Event existing;
    Status s = tx.events().Get(project_id, cmd.name, &existing);
    if (s.ok()) return errors::EventNameExists("an event named " + cmd.name + " already exists");
    if (!s.IsNotFound()) return s;
    int64_t count = 0;
    CSMS_RETURN_IF_ERROR(tx.events().Count(project_id, &count));
    if (count >= options_.event_quota) {
      return errors::EventQuotaReached("the project already has the maximum of " +
                                       std::to_string(options_.event_quota) + " events");
    }
    s = tx.events().Insert(event);
    if (s.IsConflict()) return errors::EventNameExists("an event named " + cmd.name + " already exists");
    CSMS_RETURN_IF_ERROR(s);
    return SyncSigningSecret(tx, event, signing_secret);
  });
  event_writes_.fetch_add(1, std::memory_order_acq_rel);
  CSMS_RETURN_IF_ERROR(written);
  if (options_.webhook_secrets) options_.webhook_secrets->Invalidate(project_id, event.name);
  *out = std::move(event);
  return Status::OK();
}

Status EventService::Get(const std::string& project_id, const std::string& name, Event* out) {
  if (!validation::IsValidName(name)) return errors::EventNotFound(name);
  int64_t writes = event_writes_.load(std::memory_order_acquire);  // before the transaction
  Status s = store_->Read([&](Transaction& tx) { return tx.events().Get(project_id, name, out); });
  if (s.ok() && !out->representation.empty()) RememberRepresentation(project_id, name, writes, out->representation);
  return s.IsNotFound() ? errors::EventNotFound(name) : s;
}

namespace {
int64_t SteadyMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::string PageKey(const std::string& project_id, const std::string& marker, int limit) {
  std::string key = project_id;
  key += '\n';
  key += marker;
  key += '\n';
  key += std::to_string(limit);
  return key;
}

std::string RepresentationKey(const std::string& project_id, std::string_view name) {
  std::string key;
  key.reserve(project_id.size() + 1 + name.size());
  key += project_id;
  key += '\n';
  key += name;
  return key;
}
}  // namespace

void EventService::RememberRepresentation(const std::string& project_id, const std::string& name, int64_t writes,
                                          const std::string& representation) {
  auto value = std::make_shared<const std::string>(representation);
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (representations_.size() >= kMaxCachedRepresentations) representations_.clear();  // bounded; refills on demand
  representations_[RepresentationKey(project_id, name)] =
      CachedRepresentationEntry{writes, SteadyMillis(), std::move(value)};
}

bool EventService::CachedPage(const std::string& project_id, const std::string& marker, int limit,
                              std::shared_ptr<const JsonPage>* out) {
  std::string key = PageKey(project_id, marker, limit);
  int64_t writes = event_writes_.load(std::memory_order_acquire);
  int64_t now = SteadyMillis();
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto it = page_cache_.find(key);
  if (it == page_cache_.end() || it->second.writes != writes || now - it->second.read_at >= options_.memory_millis) {
    return false;
  }
  *out = it->second.page;
  return true;
}

bool EventService::CachedRepresentation(const std::string& project_id, std::string_view name,
                                        std::shared_ptr<const std::string>* out) {
  std::string key = RepresentationKey(project_id, name);
  int64_t writes = event_writes_.load(std::memory_order_acquire);
  int64_t now = SteadyMillis();
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto it = representations_.find(key);
  if (it == representations_.end() || it->second.writes != writes ||
      now - it->second.read_at >= options_.memory_millis) {
    return false;
  }
  *out = it->second.representation;
  return true;
}

Status EventService::Update(const std::string& project_id, const std::string& name, const UpdateEventCommand& cmd,
                            Event* out, std::string* signing_secret) {
  if (!validation::IsValidName(name)) return errors::EventNotFound(name);
  if (cmd.event_types) CSMS_RETURN_IF_ERROR(validation::CheckEventTypes(*cmd.event_types));
  if (cmd.notification) {
    CSMS_RETURN_IF_ERROR(validation::CheckNotificationTarget(*cmd.notification, options_.destinations));
  }
  Status s = store_->Write([&](Transaction& tx) -> Status {
    Event event;
    CSMS_RETURN_IF_ERROR(tx.events().Get(project_id, name, &event));
    if (cmd.event_types) event.event_types = *cmd.event_types;
    if (cmd.state) event.state = *cmd.state;
    if (cmd.notification) event.notification = *cmd.notification;
    // update_time never goes backwards, even if the clock does.
    event.update_time = std::max(clock_->NowMillis(), event.update_time);
    event.representation = json::RenderEvent(event);
    CSMS_RETURN_IF_ERROR(tx.events().Update(event));
    CSMS_RETURN_IF_ERROR(SyncSigningSecret(tx, event, signing_secret));
    *out = std::move(event);
    return Status::OK();
  });
  event_writes_.fetch_add(1, std::memory_order_acq_rel);
  if (options_.webhook_secrets) options_.webhook_secrets->Invalidate(project_id, name);
  return s.IsNotFound() ? errors::EventNotFound(name) : s;
}

Status EventService::SyncSigningSecret(Transaction& tx, const Event& event, std::string* signing_secret) {
  WebhookSecrets* secrets = options_.webhook_secrets;
  if (!secrets) return Status::OK();
  if (event.notification.type != TargetType::kWebhook) return secrets->DeleteAll(tx, event.project_id, event.name);
  bool exists = false;
  CSMS_RETURN_IF_ERROR(secrets->Exists(tx, event.project_id, event.name, &exists));
  if (exists) return Status::OK();
  std::string secret;
  CSMS_RETURN_IF_ERROR(secrets->Create(tx, event.project_id, event.name, &secret));
  if (signing_secret) *signing_secret = std::move(secret);
  return Status::OK();
}

Status EventService::Delete(const std::string& project_id, const std::string& name) {
  if (!validation::IsValidName(name)) return errors::EventNotFound(name);
  Status s = store_->Write([&](Transaction& tx) -> Status {
    std::string subscriber;
    Status found = tx.secrets().FindSubscriber(project_id, name, &subscriber);
    if (found.ok()) {
      return errors::EventInUse("event " + name + " is still subscribed by secret " + subscriber +
                                "; remove the subscription (UpdateSecret with event_subscriptions []) first");
    }
    if (!found.IsNotFound()) return found;
    return tx.events().Delete(project_id, name);  // its webhook secrets go with it (schema trigger)
  });
  event_writes_.fetch_add(1, std::memory_order_acq_rel);
  if (options_.webhook_secrets) options_.webhook_secrets->Invalidate(project_id, name);
  return s.IsNotFound() ? errors::EventNotFound(name) : s;
}

Status EventService::ListRepresentations(const std::string& project_id, const std::string& marker, int limit,
                                         std::shared_ptr<const JsonPage>* out) {
  if (!marker.empty() && !validation::IsValidMarker(marker)) {
    return errors::InvalidParameter("invalid marker: must be the name of the last event of the previous page");
  }
  std::string key = PageKey(project_id, marker, limit);
  const int64_t writes = event_writes_.load(std::memory_order_acquire);  // before the transaction
  int64_t generation = 0;
  std::shared_ptr<JsonPage> page;
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(tx.events().Generation(project_id, &generation));
    {
      std::lock_guard<std::mutex> lock(cache_mu_);
      auto it = page_cache_.find(key);
      if (it != page_cache_.end() && it->second.generation == generation) {
        it->second.writes = writes;  // checked against the database just now
        it->second.read_at = SteadyMillis();
        *out = it->second.page;
        return Status::OK();
      }
    }
    page = std::make_shared<JsonPage>();
    page->joined_items.reserve(static_cast<size_t>(limit) * 400);
    std::string last_name;
    // One extra row tells whether a next page exists without a second query.
    return tx.events().ListRepresentations(
        project_id, marker, limit + 1, [&](std::string_view name, std::string_view representation) -> Status {
          if (page->count == static_cast<size_t>(limit)) {
            page->next_marker = last_name;
            return Status::OK();
          }
          if (page->count == 0) page->previous_marker = std::string(name);
          if (page->count > 0) page->joined_items += ',';
          if (representation.empty()) {  // a row from before representations were stored
            Event event;
            CSMS_RETURN_IF_ERROR(tx.events().Get(project_id, std::string(name), &event));
            page->joined_items += json::RenderEvent(event);
          } else {
            page->joined_items.append(representation);
          }
          last_name.assign(name);
          ++page->count;
          return Status::OK();
        });
  }));
  if (page) {  // read from the database: remember it for this generation
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (page_cache_.size() >= kMaxCachedPages) page_cache_.clear();  // bounded; refills on demand
    page_cache_[key] = CachedPageEntry{generation, writes, SteadyMillis(), page};
    *out = std::move(page);
  }
  return Status::OK();
}

}  // namespace csms
