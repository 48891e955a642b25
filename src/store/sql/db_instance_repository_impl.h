// The definitions of sql::DbInstanceRepositoryOn (db_instance_repository.h), included once by each engine's .cc
// after its query.h: Exec, InsertOne, QueryOne and QueryMany are the engine's, found through
// the connection's namespace.
#pragma once

#include "common/errors.h"
#include "store/sql/db_instance_repository.h"

namespace csms::sql {
namespace {

constexpr const char* kDbInstanceColumns =
    "project_id, instance_id, engine, host, port, tls_mode, ca_file, admin_secret, create_time";

template <typename Statement>
void ReadInstance(Statement& s, DbInstance* out) {
  out->project_id = s.Text(0);
  out->instance_id = s.Text(1);
  out->engine = s.Text(2);
  out->host = s.Text(3);
  out->port = static_cast<int>(s.Int(4));
  out->tls_mode = s.Text(5);
  out->ca_file = s.Text(6);
  out->admin_secret = s.Text(7);
  out->create_time = s.Int(8);
}

}  // namespace

template <typename D>
Status DbInstanceRepositoryOn<D>::Insert(const DbInstance& i) {
  static const std::string sql =
      std::string("INSERT INTO db_instances (") + kDbInstanceColumns + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
  return Exec(conn_, sql, [&](Statement& s) {
    s.Bind(1, i.project_id).Bind(2, i.instance_id).Bind(3, i.engine).Bind(4, i.host);
    s.Bind(5, static_cast<int64_t>(i.port)).Bind(6, i.tls_mode).Bind(7, i.ca_file).Bind(8, i.admin_secret);
    s.Bind(9, i.create_time);
  });
}

template <typename D>
Status DbInstanceRepositoryOn<D>::Get(const std::string& project_id, const std::string& instance_id, DbInstance* out) {
  static const std::string sql =
      std::string("SELECT ") + kDbInstanceColumns + " FROM db_instances WHERE project_id = ?1 AND instance_id = ?2";
  return QueryOne(
      conn_, sql, "database instance", [&](Statement& s) { s.Bind(1, project_id).Bind(2, instance_id); },
      [&](Statement& s) { ReadInstance(s, out); });
}

template <typename D>
Status DbInstanceRepositoryOn<D>::List(const std::string& project_id, std::vector<DbInstance>* out) {
  static const std::string sql =
      std::string("SELECT ") + kDbInstanceColumns + " FROM db_instances WHERE project_id = ?1 ORDER BY instance_id";
  out->clear();
  return QueryMany(
      conn_, sql, [&](Statement& s) { s.Bind(1, project_id); },
      [&](Statement& s) {
        DbInstance i;
        ReadInstance(s, &i);
        out->push_back(std::move(i));
      });
}

template <typename D>
Status DbInstanceRepositoryOn<D>::Delete(const std::string& project_id, const std::string& instance_id) {
  return ExecOne(conn_, "DELETE FROM db_instances WHERE project_id = ?1 AND instance_id = ?2", "database instance",
                 [&](Statement& s) { s.Bind(1, project_id).Bind(2, instance_id); });
}

}  // namespace csms::sql
