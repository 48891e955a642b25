// Event repository on either SQL engine: one text, instantiated by the engines' .cc files with
// their Dialect (store/<engine>/dialect.h). Not thread-safe: bound to one transaction's connection.
#pragma once

#include "store/event_repository.h"

namespace csms::sql {

template <typename D>
class EventRepositoryOn final : public EventRepository {
 public:
  explicit EventRepositoryOn(typename D::Connection& conn) : conn_(conn) {}
  Status Count(const std::string& project_id, int64_t* count) override;
  Status Insert(const Event& event) override;
  Status Get(const std::string& project_id, const std::string& name, Event* out) override;
  Status Update(const Event& event) override;
  Status Delete(const std::string& project_id, const std::string& name) override;
  Status Generation(const std::string& project_id, int64_t* out) override;
  Status ListRepresentations(const std::string& project_id, const std::string& after_name, int limit,
                             const RepresentationFn& row) override;

 private:
  using Statement = typename D::Statement;
  typename D::Connection& conn_;
};

}  // namespace csms::sql
