// Storage of event notification rules, ordered by name (byte order) for keyset pagination.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/event.h"

namespace csms {

class EventRepository {
 public:
  virtual ~EventRepository() = default;
  virtual Status Count(const std::string& project_id, int64_t* count) = 0;
  virtual Status Insert(const Event& event) = 0;
  virtual Status Get(const std::string& project_id, const std::string& name, Event* out) = 0;
  virtual Status Update(const Event& event) = 0;
  virtual Status Delete(const std::string& project_id, const std::string& name) = 0;
  // Up to `limit` events with name > after_name (from the first when after_name is empty).
  virtual Status List(const std::string& project_id, const std::string& after_name, int limit,
                      std::vector<Event>* out) = 0;
};

}  // namespace csms
