// The definitions of sql::IdentityRepositoryOn (identity_repository.h), included once by each engine's .cc
// after its query.h: Exec, InsertOne, QueryOne and QueryMany are the engine's, found through
// the connection's namespace.
//
// Storage of domains, projects, users and token hashes.
#pragma once

#include "common/errors.h"
#include "store/sql/identity_repository.h"

namespace csms::sql {

template <typename D>
Status IdentityRepositoryOn<D>::InsertDomain(const Domain& d) {
  static const std::string sql = std::string("INSERT INTO domains (id, name, create_time) VALUES (?1, ?2, ") +
                                 D::kNowMillis + ") ON CONFLICT DO NOTHING";
  return InsertOne(conn_, sql, "domains row", [&](Statement& s) { s.Bind(1, d.id).Bind(2, d.name); });
}
template <typename D>
Status IdentityRepositoryOn<D>::GetDomainByName(const std::string& name, Domain* out) {
  return QueryOne(
      conn_, "SELECT id, name FROM domains WHERE name = ?1", "domain", [&](Statement& s) { s.Bind(1, name); },
      [&](Statement& s) {
        *out = Domain{s.Text(0), s.Text(1)};
      });
}
template <typename D>
Status IdentityRepositoryOn<D>::GetDomainById(const std::string& id, Domain* out) {
  return QueryOne(
      conn_, "SELECT id, name FROM domains WHERE id = ?1", "domain", [&](Statement& s) { s.Bind(1, id); },
      [&](Statement& s) {
        *out = Domain{s.Text(0), s.Text(1)};
      });
}
template <typename D>
Status IdentityRepositoryOn<D>::InsertProject(const Project& p) {
  static const std::string sql =
      std::string("INSERT INTO projects (id, name, domain_id, create_time) VALUES (?1, ?2, ?3, ") + D::kNowMillis +
      ") ON CONFLICT DO NOTHING";
  return InsertOne(conn_, sql, "projects row",
                   [&](Statement& s) { s.Bind(1, p.id).Bind(2, p.name).Bind(3, p.domain_id); });
}
template <typename D>
Status IdentityRepositoryOn<D>::GetProjectById(const std::string& id, Project* out) {
  return QueryOne(
      conn_, "SELECT id, name, domain_id FROM projects WHERE id = ?1", "project", [&](Statement& s) { s.Bind(1, id); },
      [&](Statement& s) {
        *out = Project{s.Text(0), s.Text(1), s.Text(2)};
      });
}
template <typename D>
Status IdentityRepositoryOn<D>::GetProjectByName(const std::string& domain_id, const std::string& name, Project* out) {
  return QueryOne(
      conn_, "SELECT id, name, domain_id FROM projects WHERE domain_id = ?1 AND name = ?2", "project",
      [&](Statement& s) { s.Bind(1, domain_id).Bind(2, name); },
      [&](Statement& s) {
        *out = Project{s.Text(0), s.Text(1), s.Text(2)};
      });
}
template <typename D>
Status IdentityRepositoryOn<D>::ListProjects(const std::string& domain_id, std::vector<Project>* out) {
  return QueryMany(
      conn_, "SELECT id, name, domain_id FROM projects WHERE domain_id = ?1 ORDER BY name",
      [&](Statement& s) { s.Bind(1, domain_id); },
      [&](Statement& s) {
        out->push_back(Project{s.Text(0), s.Text(1), s.Text(2)});
      });
}
template <typename D>
Status IdentityRepositoryOn<D>::InsertUser(const User& u) {
  static const std::string sql =
      std::string(
          "INSERT INTO users (id, domain_id, name, password_hash, role, create_time) VALUES (?1, ?2, ?3, ?4, ?5, ") +
      D::kNowMillis + ") ON CONFLICT DO NOTHING";
  return InsertOne(conn_, sql, "users row", [&](Statement& s) {
    s.Bind(1, u.id).Bind(2, u.domain_id).Bind(3, u.name).Bind(4, u.password_hash).Bind(5, u.role);
  });
}
template <typename D>
Status IdentityRepositoryOn<D>::GetUserByName(const std::string& domain_id, const std::string& name, User* out) {
  return QueryOne(
      conn_, "SELECT id, name, domain_id, password_hash, role, enabled FROM users WHERE domain_id = ?1 AND name = ?2",
      "user", [&](Statement& s) { s.Bind(1, domain_id).Bind(2, name); },
      [&](Statement& s) { *out = User{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5) != 0}; });
}
template <typename D>
Status IdentityRepositoryOn<D>::GetUserById(const std::string& id, User* out) {
  return QueryOne(
      conn_, "SELECT id, name, domain_id, password_hash, role, enabled FROM users WHERE id = ?1", "user",
      [&](Statement& s) { s.Bind(1, id); },
      [&](Statement& s) { *out = User{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5) != 0}; });
}
template <typename D>
Status IdentityRepositoryOn<D>::UpdateUserPassword(const std::string& user_id, const std::string& hash) {
  return ExecOne(conn_, "UPDATE users SET password_hash = ?2 WHERE id = ?1", "user",
                 [&](Statement& s) { s.Bind(1, user_id).Bind(2, hash); });
}
template <typename D>
Status IdentityRepositoryOn<D>::StoreFirstPassword(const std::string& user_id, const std::string& hash) {
  CSMS_RETURN_IF_ERROR(UpdateUserPassword(user_id, hash));
  // The engines' triggers stamp a change of password_hash; this statement names neither column
  // they watch, so it fires none.
  return ExecOne(conn_, "UPDATE users SET password_changed_at = NULL, update_time = NULL WHERE id = ?1", "user",
                 [&](Statement& s) { s.Bind(1, user_id); });
}
template <typename D>
Status IdentityRepositoryOn<D>::SetUserEnabled(const std::string& user_id, bool enabled) {
  return ExecOne(conn_, "UPDATE users SET enabled = ?2 WHERE id = ?1", "user",
                 [&](Statement& s) { s.Bind(1, user_id).Bind(2, static_cast<int64_t>(enabled ? 1 : 0)); });
}
template <typename D>
Status IdentityRepositoryOn<D>::InsertToken(const TokenRecord& t) {
  return InsertOne(
      conn_,
      "INSERT INTO tokens (token_hash, user_id, project_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5) ON "
      "CONFLICT DO NOTHING",
      "tokens row", [&](Statement& s) {
        s.Bind(1, t.token_hash).Bind(2, t.user_id).Bind(3, t.project_id).Bind(4, t.issued_at).Bind(5, t.expires_at);
      });
}
template <typename D>
Status IdentityRepositoryOn<D>::GetToken(const std::string& hash, TokenRecord* out) {
  return QueryOne(
      conn_, "SELECT token_hash, user_id, project_id, issued_at, expires_at FROM tokens WHERE token_hash = ?1", "token",
      [&](Statement& s) { s.Bind(1, hash); },
      [&](Statement& s) {
        *out = TokenRecord{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4)};
      });
}
template <typename D>
Status IdentityRepositoryOn<D>::RevokeToken(const std::string& hash) {
  CSMS_RETURN_IF_ERROR(
      ExecOne(conn_, "DELETE FROM tokens WHERE token_hash = ?1", "token", [&](Statement& s) { s.Bind(1, hash); }));
  return Exec(conn_, "UPDATE token_revocations SET generation = generation + 1 WHERE id = 1", [](Statement&) {});
}
template <typename D>
Status IdentityRepositoryOn<D>::GetTokenRevocationGeneration(int64_t* out) {
  return QueryOne(
      conn_, "SELECT generation FROM token_revocations WHERE id = 1", "token revocation generation", [](Statement&) {},
      [&](Statement& s) { *out = s.Int(0); });
}
template <typename D>
Status IdentityRepositoryOn<D>::DeleteTokensExpiredBefore(int64_t now_ms, int64_t* deleted) {
  Status s = Exec(conn_, "DELETE FROM tokens WHERE expires_at < ?1", [&](Statement& st) { st.Bind(1, now_ms); });
  *deleted = s.ok() ? conn_.changes() : 0;
  return s;
}

}  // namespace csms::sql
