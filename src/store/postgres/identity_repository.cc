// PostgreSQL storage of domains, projects, users and token hashes.
#include "common/errors.h"
#include "store/postgres/query.h"
#include "store/postgres/repositories.h"

namespace csms::postgres {

Status PgIdentityRepository::InsertDomain(const Domain& d) {
  return InsertOne(conn_,
                   "INSERT INTO domains (id, name, create_time) VALUES (?1, ?2, (extract(epoch FROM now()) * "
                   "1000)::bigint) ON CONFLICT DO NOTHING",
                   "domains row", [&](Statement& s) { s.Bind(1, d.id).Bind(2, d.name); });
}
Status PgIdentityRepository::GetDomainByName(const std::string& name, Domain* out) {
  return QueryOne(
      conn_, "SELECT id, name FROM domains WHERE name = ?1", "domain", [&](Statement& s) { s.Bind(1, name); },
      [&](Statement& s) {
        *out = Domain{s.Text(0), s.Text(1)};
      });
}
Status PgIdentityRepository::GetDomainById(const std::string& id, Domain* out) {
  return QueryOne(
      conn_, "SELECT id, name FROM domains WHERE id = ?1", "domain", [&](Statement& s) { s.Bind(1, id); },
      [&](Statement& s) {
        *out = Domain{s.Text(0), s.Text(1)};
      });
}
Status PgIdentityRepository::InsertProject(const Project& p) {
  return InsertOne(conn_,
                   "INSERT INTO projects (id, name, domain_id, create_time) VALUES (?1, ?2, ?3, (extract(epoch FROM "
                   "now()) * 1000)::bigint) ON CONFLICT DO NOTHING",
                   "projects row", [&](Statement& s) { s.Bind(1, p.id).Bind(2, p.name).Bind(3, p.domain_id); });
}
Status PgIdentityRepository::GetProjectById(const std::string& id, Project* out) {
  return QueryOne(
      conn_, "SELECT id, name, domain_id FROM projects WHERE id = ?1", "project", [&](Statement& s) { s.Bind(1, id); },
      [&](Statement& s) {
        *out = Project{s.Text(0), s.Text(1), s.Text(2)};
      });
}
Status PgIdentityRepository::GetProjectByName(const std::string& domain_id, const std::string& name, Project* out) {
  return QueryOne(
      conn_, "SELECT id, name, domain_id FROM projects WHERE domain_id = ?1 AND name = ?2", "project",
      [&](Statement& s) { s.Bind(1, domain_id).Bind(2, name); },
      [&](Statement& s) {
        *out = Project{s.Text(0), s.Text(1), s.Text(2)};
      });
}
Status PgIdentityRepository::ListProjects(const std::string& domain_id, std::vector<Project>* out) {
  return QueryMany(
      conn_, "SELECT id, name, domain_id FROM projects WHERE domain_id = ?1 ORDER BY name",
      [&](Statement& s) { s.Bind(1, domain_id); },
      [&](Statement& s) {
        out->push_back(Project{s.Text(0), s.Text(1), s.Text(2)});
      });
}
Status PgIdentityRepository::InsertUser(const User& u) {
  return InsertOne(conn_,
                   "INSERT INTO users (id, domain_id, name, password_hash, role, create_time) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, (extract(epoch FROM now()) * 1000)::bigint) ON CONFLICT DO NOTHING",
                   "users row", [&](Statement& s) {
                     s.Bind(1, u.id).Bind(2, u.domain_id).Bind(3, u.name).Bind(4, u.password_hash).Bind(5, u.role);
                   });
}
Status PgIdentityRepository::GetUserByName(const std::string& domain_id, const std::string& name, User* out) {
  return QueryOne(
      conn_, "SELECT id, name, domain_id, password_hash, role, enabled FROM users WHERE domain_id = ?1 AND name = ?2",
      "user", [&](Statement& s) { s.Bind(1, domain_id).Bind(2, name); },
      [&](Statement& s) { *out = User{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5) != 0}; });
}
Status PgIdentityRepository::GetUserById(const std::string& id, User* out) {
  return QueryOne(
      conn_, "SELECT id, name, domain_id, password_hash, role, enabled FROM users WHERE id = ?1", "user",
      [&](Statement& s) { s.Bind(1, id); },
      [&](Statement& s) { *out = User{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5) != 0}; });
}
Status PgIdentityRepository::UpdateUserPassword(const std::string& user_id, const std::string& hash) {
  return ExecOne(conn_, "UPDATE users SET password_hash = ?2 WHERE id = ?1", "user",
                 [&](Statement& s) { s.Bind(1, user_id).Bind(2, hash); });
}
Status PgIdentityRepository::SetUserEnabled(const std::string& user_id, bool enabled) {
  return ExecOne(conn_, "UPDATE users SET enabled = ?2 WHERE id = ?1", "user",
                 [&](Statement& s) { s.Bind(1, user_id).Bind(2, static_cast<int64_t>(enabled ? 1 : 0)); });
}
Status PgIdentityRepository::InsertToken(const TokenRecord& t) {
  return InsertOne(
      conn_,
      "INSERT INTO tokens (token_hash, user_id, project_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5) ON "
      "CONFLICT DO NOTHING",
      "tokens row", [&](Statement& s) {
        s.Bind(1, t.token_hash).Bind(2, t.user_id).Bind(3, t.project_id).Bind(4, t.issued_at).Bind(5, t.expires_at);
      });
}
Status PgIdentityRepository::GetToken(const std::string& hash, TokenRecord* out) {
  return QueryOne(
      conn_, "SELECT token_hash, user_id, project_id, issued_at, expires_at FROM tokens WHERE token_hash = ?1", "token",
      [&](Statement& s) { s.Bind(1, hash); },
      [&](Statement& s) {
        *out = TokenRecord{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4)};
      });
}
Status PgIdentityRepository::RevokeToken(const std::string& hash) {
  CSMS_RETURN_IF_ERROR(
      ExecOne(conn_, "DELETE FROM tokens WHERE token_hash = ?1", "token", [&](Statement& s) { s.Bind(1, hash); }));
  return Exec(conn_, "UPDATE token_revocations SET generation = generation + 1 WHERE id = 1", [](Statement&) {});
}
Status PgIdentityRepository::GetTokenRevocationGeneration(int64_t* out) {
  return QueryOne(
      conn_, "SELECT generation FROM token_revocations WHERE id = 1", "token revocation generation", [](Statement&) {},
      [&](Statement& s) { *out = s.Int(0); });
}
Status PgIdentityRepository::DeleteTokensExpiredBefore(int64_t now_ms, int64_t* deleted) {
  Status s = Exec(conn_, "DELETE FROM tokens WHERE expires_at < ?1", [&](Statement& st) { st.Bind(1, now_ms); });
  *deleted = s.ok() ? conn_.changes() : 0;
  return s;
}

}  // namespace csms::postgres
