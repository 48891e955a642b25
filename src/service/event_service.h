// EventService: the use cases of event notification rules (spec §1.6). Validates commands,
// enforces the per-project quota and name uniqueness, and runs each change in one transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "common/clock.h"
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

struct EventServiceOptions {
  int event_quota = 30;
};

class EventService {
 public:
  EventService(Store* store, const Clock* clock, EventServiceOptions options)
      : store_(store), clock_(clock), options_(options) {}

  Status Create(const std::string& project_id, const CreateEventCommand& cmd, Event* out);
  Status Get(const std::string& project_id, const std::string& name, Event* out);
  Status Update(const std::string& project_id, const std::string& name, const UpdateEventCommand& cmd, Event* out);
  Status Delete(const std::string& project_id, const std::string& name);
  // Events ordered by name, strictly after `marker` (empty = from the start).
  Status List(const std::string& project_id, const std::string& marker, int limit, Page<Event>* out);

 private:
  Store* store_;
  const Clock* clock_;
  EventServiceOptions options_;
};

}  // namespace csms
