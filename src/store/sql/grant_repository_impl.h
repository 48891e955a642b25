// The definitions of sql::GrantRepositoryOn (grant_repository.h), included once by each engine's .cc
// after its query.h: Exec, InsertOne, QueryOne and QueryMany are the engine's, found through
// the connection's namespace.
#pragma once

#include "common/errors.h"
#include "store/sql/grant_repository.h"

namespace csms::sql {
namespace {

constexpr const char* kGrantColumns =
    "id, project_id, secret_id, grantee_type, grantee_id, create_time, update_time, validity_time";

// Decoding never invents a value: an unknown grantee type is an internal error naming the row.
template <typename Statement>
Status ReadGrant(Statement& s, Grant* g) {
  g->id = s.Text(0);
  g->project_id = s.Text(1);
  g->secret_id = s.Text(2);
  if (!ParseGranteeType(s.TextView(3), &g->grantee_type)) {
    return errors::Internal("grants row " + g->id + ": unknown grantee_type '" + s.Text(3) + "'");
  }
  g->grantee_id = s.Text(4);
  g->create_time = s.Int(5);
  g->update_time = s.Int(6);
  g->validity_time = s.OptInt(7);
  return Status::OK();
}

}  // namespace

template <typename D>
Status GrantRepositoryOn<D>::Insert(const Grant& g) {
  return InsertOne(
      conn_,
      "INSERT INTO grants (id, project_id, secret_id, grantee_type, grantee_id, create_time, update_time, "
      "validity_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
      "grants row", [&](Statement& s) {
        s.Bind(1, g.id).Bind(2, g.project_id).Bind(3, g.secret_id).Bind(4, GranteeTypeName(g.grantee_type));
        s.Bind(5, g.grantee_id).Bind(6, g.create_time).Bind(7, g.update_time).BindOpt(8, g.validity_time);
      });
}

template <typename D>
Status GrantRepositoryOn<D>::Get(const std::string& secret_id, GranteeType type, const std::string& grantee_id,
                                 Grant* out) {
  static const std::string sql = std::string("SELECT ") + kGrantColumns +
                                 " FROM grants WHERE secret_id = ?1 AND grantee_type = ?2 AND grantee_id = ?3";
  return QueryOne(
      conn_, sql, "grant",
      [&](Statement& s) { s.Bind(1, secret_id).Bind(2, GranteeTypeName(type)).Bind(3, grantee_id); },
      [&](Statement& s) { return ReadGrant(s, out); });
}

template <typename D>
Status GrantRepositoryOn<D>::Update(const Grant& g) {
  return ExecOne(conn_, "UPDATE grants SET validity_time = ?2, update_time = ?3 WHERE id = ?1", "grant",
                 [&](Statement& s) { s.Bind(1, g.id).BindOpt(2, g.validity_time).Bind(3, g.update_time); });
}

template <typename D>
Status GrantRepositoryOn<D>::Delete(const std::string& secret_id, const std::optional<std::string>& grantee_id,
                                    int64_t* deleted) {
  Status st = grantee_id
                  ? Exec(conn_, "DELETE FROM grants WHERE secret_id = ?1 AND grantee_id = ?2",
                         [&](Statement& s) { s.Bind(1, secret_id).Bind(2, *grantee_id); })
                  : Exec(conn_, "DELETE FROM grants WHERE secret_id = ?1", [&](Statement& s) { s.Bind(1, secret_id); });
  *deleted = st.ok() ? conn_.changes() : 0;
  return st;
}

template <typename D>
Status GrantRepositoryOn<D>::Count(const std::string& secret_id, int64_t* out) {
  return QueryOne(
      conn_, "SELECT count(*) FROM grants WHERE secret_id = ?1", "grant count",
      [&](Statement& s) { s.Bind(1, secret_id); }, [&](Statement& s) { *out = s.Int(0); });
}

template <typename D>
Status GrantRepositoryOn<D>::List(const std::string& secret_id, std::vector<GrantView>* out) {
  static const std::string sql =
      "SELECT g.id, g.project_id, g.secret_id, g.grantee_type, g.grantee_id, g.create_time, g.update_time, "
      "g.validity_time, CASE g.grantee_type WHEN '0' THEN u.name ELSE ug.name END FROM grants g "
      "LEFT JOIN users u ON g.grantee_type = '0' AND u.id = g.grantee_id "
      "LEFT JOIN user_groups ug ON g.grantee_type = '2' AND ug.id = g.grantee_id "
      "WHERE g.secret_id = ?1 ORDER BY g.create_time, g.id";
  return QueryMany(
      conn_, sql, [&](Statement& s) { s.Bind(1, secret_id); },
      [&](Statement& s) -> Status {
        GrantView v;
        CSMS_RETURN_IF_ERROR(ReadGrant(s, &v.grant));
        v.grantee_name = s.OptText(8).value_or("");
        out->push_back(std::move(v));
        return Status::OK();
      });
}

template <typename D>
Status GrantRepositoryOn<D>::HasValidGrant(const std::string& secret_id, const std::string& user_id, int64_t now_ms,
                                           bool* out) {
  *out = false;
  Status st = QueryOne(
      conn_,
      "SELECT 1 FROM grants WHERE secret_id = ?1 AND (validity_time IS NULL OR validity_time > ?3) AND "
      "((grantee_type = '0' AND grantee_id = ?2) OR (grantee_type = '2' AND grantee_id IN "
      "(SELECT group_id FROM user_group_members WHERE user_id = ?2))) LIMIT 1",
      "grant", [&](Statement& s) { s.Bind(1, secret_id).Bind(2, user_id).Bind(3, now_ms); },
      [&](Statement&) { *out = true; });
  return st.IsNotFound() ? Status::OK() : st;
}

}  // namespace csms::sql
