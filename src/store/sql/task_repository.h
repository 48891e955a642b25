// Task repository on either SQL engine: one text, instantiated by the engines' .cc files with
// their Dialect (store/<engine>/dialect.h). Not thread-safe: bound to one transaction's connection.
#pragma once

#include "store/task_repository.h"

namespace csms::sql {

template <typename D>
class TaskRepositoryOn final : public TaskRepository {
 public:
  explicit TaskRepositoryOn(typename D::Connection& conn) : conn_(conn) {}
  Status Insert(const RotationTask& task) override;
  Status Update(const RotationTask& task) override;
  Status Get(const std::string& project_id, const std::string& task_id, RotationTask* out) override;
  Status List(const TaskQuery& query, std::vector<RotationTask>* out) override;
  Status Count(const TaskQuery& query, int64_t* count) override;
  Status DueRunning(int64_t now, int limit, std::vector<RotationTask>* out) override;
  Status PurgeOlderThan(int64_t horizon, int limit, int64_t* deleted) override;

 private:
  using Statement = typename D::Statement;
  typename D::Connection& conn_;
};

}  // namespace csms::sql
