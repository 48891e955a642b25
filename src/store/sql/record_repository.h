// Notification records on either SQL engine: one text of the repository, instantiated by
// store/sqlite/record_repository.cc and store/postgres/record_repository.cc with their Dialect
// (store/<engine>/dialect.h). Not thread-safe: bound to the connection of one transaction.
#pragma once

#include "store/record_repository.h"

namespace csms::sql {

template <typename D>
class RecordRepositoryOn final : public RecordRepository {
 public:
  explicit RecordRepositoryOn(typename D::Connection& conn) : conn_(conn) {}
  Status Insert(const NotificationRecord& record) override;
  Status List(const RecordQuery& query, std::vector<NotificationRecord>* out) override;
  Status PurgeOlderThan(int64_t horizon, int limit, int64_t* deleted) override;

 private:
  using Statement = typename D::Statement;
  typename D::Connection& conn_;
};

}  // namespace csms::sql
