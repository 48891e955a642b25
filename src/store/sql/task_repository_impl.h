// The definitions of sql::TaskRepositoryOn (task_repository.h), included once by each engine's .cc
// after its query.h: Exec, InsertOne, QueryOne and QueryMany are the engine's, found through
// the connection's namespace.
//
// Storage of rotation tasks.
#pragma once

#include "common/errors.h"
#include "store/sql/row_errors.h"
#include "store/sql/task_repository.h"

namespace csms::sql {
namespace {

#define TASK_COLUMNS                                                                                  \
  "task_id, project_id, secret_id, secret_name, rotation_func_urn, status, operate_type, task_time, " \
  "attempt_nums, error_code, error_msg, due_time, version_id"

template <typename Statement>
void BindTask(Statement& s, const RotationTask& t) {
  s.Bind(1, t.task_id).Bind(2, t.project_id).Bind(3, t.secret_id).Bind(4, t.secret_name).Bind(5, t.rotation_func_urn);
  s.Bind(6, TaskStatusName(t.status)).Bind(7, t.operate_type).Bind(8, t.task_time).Bind(9, t.attempt_nums);
  s.Bind(10, t.error_code).Bind(11, t.error_msg).BindOpt(12, t.due_time).BindOpt(13, t.version_id);
}

template <typename Statement>
Status ReadTask(Statement& s, RotationTask* out) {
  RotationTask& t = *out;
  t = RotationTask();
  t.task_id = s.Text(0);
  t.project_id = s.Text(1);
  t.secret_id = s.Text(2);
  t.secret_name = s.Text(3);
  t.rotation_func_urn = s.Text(4);
  CSMS_RETURN_IF_ERROR(DecodeColumn(s.TextView(5), ParseTaskStatus, "tasks", t.task_id, "status", &t.status));
  t.operate_type = s.Text(6);
  t.task_time = s.Int(7);
  t.attempt_nums = static_cast<int>(s.Int(8));
  t.error_code = s.Text(9);
  t.error_msg = s.Text(10);
  t.due_time = s.OptInt(11);
  t.version_id = s.OptText(12);
  return Status::OK();
}

// Filters shared by List and Count: an absent filter binds NULL and drops out.
#define TASK_FILTER "project_id = ?1 AND (?2 IS NULL OR secret_name = ?2) AND (?3 IS NULL OR status = ?3)"

template <typename Statement>
void BindFilter(Statement& s, const TaskQuery& q) {
  s.Bind(1, q.project_id).BindOpt(2, q.secret_name);
  q.status ? s.Bind(3, TaskStatusName(*q.status)) : s.BindNull(3);
}

}  // namespace

template <typename D>
Status TaskRepositoryOn<D>::Insert(const RotationTask& t) {
  return InsertOne(conn_,
                   "INSERT INTO tasks (" TASK_COLUMNS
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT DO NOTHING",
                   "tasks row", [&](Statement& s) { BindTask(s, t); });
}

template <typename D>
Status TaskRepositoryOn<D>::Update(const RotationTask& t) {
  return ExecOne(conn_,
                 "UPDATE tasks SET project_id = ?2, secret_id = ?3, secret_name = ?4, rotation_func_urn = ?5, "
                 "status = ?6, operate_type = ?7, task_time = ?8, attempt_nums = ?9, error_code = ?10, "
                 "error_msg = ?11, due_time = ?12, version_id = ?13 WHERE task_id = ?1",
                 "task", [&](Statement& s) { BindTask(s, t); });
}

template <typename D>
Status TaskRepositoryOn<D>::Get(const std::string& project_id, const std::string& task_id, RotationTask* out) {
  return QueryOne(
      conn_, "SELECT " TASK_COLUMNS " FROM tasks WHERE task_id = ?1 AND project_id = ?2", "task",
      [&](Statement& s) { s.Bind(1, task_id).Bind(2, project_id); }, [&](Statement& s) { return ReadTask(s, out); });
}

template <typename D>
Status TaskRepositoryOn<D>::List(const TaskQuery& q, std::vector<RotationTask>* out) {
  return QueryMany(
      conn_,
      "SELECT " TASK_COLUMNS " FROM tasks WHERE " TASK_FILTER
      " AND (?4 IS NULL OR task_time < ?4 OR (task_time = ?4 AND task_id < ?5)) "
      "ORDER BY task_time DESC, task_id DESC LIMIT ?6",
      [&](Statement& s) {
        BindFilter(s, q);
        s.BindOpt(4, q.before_time).Bind(5, q.before_id.value_or("")).Bind(6, q.limit);
      },
      [&](Statement& s) { return ReadTask(s, &out->emplace_back()); });
}

template <typename D>
Status TaskRepositoryOn<D>::Count(const TaskQuery& q, int64_t* count) {
  return QueryOne(
      conn_, "SELECT count(*) FROM tasks WHERE " TASK_FILTER, "count", [&](Statement& s) { BindFilter(s, q); },
      [&](Statement& s) { *count = s.Int(0); });
}

template <typename D>
Status TaskRepositoryOn<D>::DueRunning(int64_t now, int limit, std::vector<RotationTask>* out) {
  return QueryMany(
      conn_,
      "SELECT " TASK_COLUMNS
      " FROM tasks WHERE status = 'RUNNING' AND due_time <= ?1 "
      "ORDER BY due_time LIMIT ?2",
      [&](Statement& s) { s.Bind(1, now).Bind(2, limit); },
      [&](Statement& s) { return ReadTask(s, &out->emplace_back()); });
}

template <typename D>
Status TaskRepositoryOn<D>::PurgeOlderThan(int64_t horizon, int limit, int64_t* deleted) {
  Status s = Exec(conn_,
                  "DELETE FROM tasks WHERE task_id IN (SELECT task_id FROM tasks WHERE task_time < ?1 "
                  "AND status <> 'RUNNING' ORDER BY task_time LIMIT ?2)",
                  [&](Statement& st) { st.Bind(1, horizon).Bind(2, limit); });
  *deleted = s.ok() ? conn_.changes() : 0;
  return s;
}

}  // namespace csms::sql
