// Storage of rotation tasks. RUNNING tasks double as a durable work queue: a worker claims one by
// moving its due_time past the call's timeout, so a crash mid-call only delays a retry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/secret.h"

namespace csms {

struct TaskQuery {
  std::string project_id;
  std::optional<std::string> secret_name;
  std::optional<TaskStatus> status;
  // Keyset cursor: tasks strictly after (task_time, task_id) in newest-first order.
  std::optional<int64_t> before_time;
  std::optional<std::string> before_id;
  int limit = 50;
};

class TaskRepository {
 public:
  virtual ~TaskRepository() = default;
  virtual Status Insert(const RotationTask& task) = 0;
  virtual Status Update(const RotationTask& task) = 0;
  virtual Status Get(const std::string& project_id, const std::string& task_id, RotationTask* out) = 0;
  // Newest first: (task_time DESC, task_id DESC).
  virtual Status List(const TaskQuery& query, std::vector<RotationTask>* out) = 0;
  // How many tasks match the filters (the cursor and limit are ignored).
  virtual Status Count(const TaskQuery& query, int64_t* count) = 0;
  virtual Status DueRunning(int64_t now, int limit, std::vector<RotationTask>* out) = 0;
  // Deletes up to `limit` finished tasks created before `horizon`.
  virtual Status PurgeOlderThan(int64_t horizon, int limit, int64_t* deleted) = 0;
};

}  // namespace csms
