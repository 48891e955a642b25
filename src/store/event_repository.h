// Storage of event notification rules, ordered by name (byte order) for keyset pagination.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
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
  // A number that changes whenever any event of the project is inserted, updated or deleted
  // (0 before the first write): lets callers cache what they read.
  virtual Status Generation(const std::string& project_id, int64_t* out) = 0;
  // Visits up to `limit` events with name > after_name (from the first when after_name is empty),
  // in name order, as (name, stored representation): listing decodes no other column. The views
  // are valid only during the call. A representation may be empty for rows written before
  // representations were stored.
  using RepresentationFn = std::function<Status(std::string_view name, std::string_view representation)>;
  virtual Status ListRepresentations(const std::string& project_id, const std::string& after_name, int limit,
                                     const RepresentationFn& row) = 0;
};

}  // namespace csms
