// EventService: the use cases of event notification rules (spec §1.6). Validates commands,
// enforces the per-project quota and name uniqueness, and runs each change in one transaction.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/destination_policy.h"
#include "common/status.h"
#include "domain/event.h"
#include "service/page.h"
#include "store/store.h"

namespace csms {

struct CreateEventCommand {
  std::string name;
  std::vector<EventType> event_types;
  EventState state = EventState::kEnabled;
  NotificationTarget notification;
};

// Only the fields that are set change.
struct UpdateEventCommand {
  std::optional<std::vector<EventType>> event_types;
  std::optional<EventState> state;
  std::optional<NotificationTarget> notification;
};

class WebhookSecrets;

struct EventServiceOptions {
  int event_quota = 30;
  // Generates the signing secret of WEBHOOK events (delivery, notify/); null = none.
  WebhookSecrets* webhook_secrets = nullptr;
  // How long an event read from the store may be served from memory (CachedRepresentation).
  int64_t memory_millis = 250;
  // The SSRF guard (--webhook-allow): a WEBHOOK target that is a literal address it refuses is
  // refused at create and update (names are checked at delivery). Null: no check.
  const DestinationPolicy* destinations = nullptr;
};

class EventService {
 public:
  EventService(Store* store, const Clock* clock, EventServiceOptions options)
      : store_(store), clock_(clock), options_(options) {}

  // For a WEBHOOK event, *signing_secret (if given) receives its new signing secret: shown once.
  Status Create(const std::string& project_id, const CreateEventCommand& cmd, Event* out,
                std::string* signing_secret = nullptr);
  Status Get(const std::string& project_id, const std::string& name, Event* out);
  // An event's stored representation from memory, never touching the store: known when this
  // process has read the event (Get) within options.memory_millis and since its last write of any
  // event. False = not known here (call Get). So this process's writes are seen at once, another
  // process's (a second csmsd on the same database) within memory_millis.
  bool CachedRepresentation(const std::string& project_id, std::string_view name,
                            std::shared_ptr<const std::string>* out);
  // An event that becomes a WEBHOOK event (or is one without a secret) gets a signing secret,
  // returned in *signing_secret; one that stops being a WEBHOOK event loses its secrets.
  Status Update(const std::string& project_id, const std::string& name, const UpdateEventCommand& cmd, Event* out,
                std::string* signing_secret = nullptr);
  Status Delete(const std::string& project_id, const std::string& name);
  // Events ordered by name, strictly after `marker` (empty = from the start), each as its
  // stored API representation (json/event_json.h).
  // Pages are cached in memory and reused while the project's event generation is unchanged
  // (checked in the database on every call of this function; CachedPage skips that check).
  Status ListRepresentations(const std::string& project_id, const std::string& marker, int limit,
                             std::shared_ptr<const JsonPage>* out);
  // A page from memory, never touching the store, under the rule of CachedRepresentation: known
  // when this process listed it (ListRepresentations) within options.memory_millis and since its
  // last write of any event. False = not known here (call ListRepresentations).
  bool CachedPage(const std::string& project_id, const std::string& marker, int limit,
                  std::shared_ptr<const JsonPage>* out);

 private:
  // Gives a WEBHOOK event a signing secret when it has none; removes a non-WEBHOOK event's.
  Status SyncSigningSecret(Transaction& tx, const Event& event, std::string* signing_secret);

  Store* store_;
  const Clock* clock_;
  EventServiceOptions options_;

  struct CachedPageEntry {
    int64_t generation;
    int64_t writes;   // event_writes_ read before the generation was
    int64_t read_at;  // steady-clock ms of that check
    std::shared_ptr<const JsonPage> page;
  };
  static constexpr size_t kMaxCachedPages = 4096;
  std::mutex cache_mu_;
  std::unordered_map<std::string, CachedPageEntry> page_cache_;  // key: project, marker, limit

  // Representations read by Get, valid while event_writes_ is unchanged: it moves after every
  // write of an event, and Get reads it before its transaction, so an entry never outlives a
  // write acknowledged after it.
  struct CachedRepresentationEntry {
    int64_t writes;
    int64_t read_at;  // steady-clock ms
    std::shared_ptr<const std::string> representation;
  };
  static constexpr size_t kMaxCachedRepresentations = 4096;
  void RememberRepresentation(const std::string& project_id, const std::string& name, int64_t writes,
                              const std::string& representation);
  std::atomic<int64_t> event_writes_{0};
  std::unordered_map<std::string, CachedRepresentationEntry> representations_;  // key: project, name; cache_mu_
};

}  // namespace csms
