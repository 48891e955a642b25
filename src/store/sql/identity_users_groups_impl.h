// The definitions of sql::IdentityRepositoryOn (identity_repository.h), included once by each engine's .cc
// after its query.h: Exec, InsertOne, QueryOne and QueryMany are the engine's, found through
// the connection's namespace.
//
// Storage of the users API's views of users and of the groups of users (part of
// IdentityRepositoryOn; the accounts and tokens are in identity_repository_impl.h).
#pragma once

#include "common/errors.h"
#include "store/sql/identity_repository.h"

namespace csms::sql {
namespace {

constexpr const char* kUserDetailColumns =
    "id, name, domain_id, password_hash, role, enabled, create_time, update_time, password_changed_at";

template <typename Statement>
UserDetail ReadUserDetail(Statement& s) {
  UserDetail d;
  d.user = User{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5) != 0};
  d.create_time = s.Int(6);
  d.update_time = s.OptInt(7);
  d.password_changed_at = s.OptInt(8);
  return d;
}

}  // namespace

// A substring search (D::kSubstringAt) rather than LIKE: the filter is a plain substring, so '%' and '_' in it mean
// themselves.
template <typename D>
Status IdentityRepositoryOn<D>::CountUsers(const std::string& domain_id, const std::string& name_contains,
                                           int64_t* out) {
  static const std::string sql = std::string("SELECT count(*) FROM users WHERE domain_id = ?1 AND (?2 = '' OR ") +
                                 D::kSubstringAt + "(name, ?2) > 0)";
  return QueryOne(
      conn_, sql, "user count", [&](Statement& s) { s.Bind(1, domain_id).Bind(2, name_contains); },
      [&](Statement& s) { *out = s.Int(0); });
}

template <typename D>
Status IdentityRepositoryOn<D>::ListUsers(const std::string& domain_id, const std::string& name_contains,
                                          int64_t offset, int limit, std::vector<UserDetail>* out) {
  static const std::string sql = std::string("SELECT ") + kUserDetailColumns +
                                 " FROM users WHERE domain_id = ?1 AND (?2 = '' OR " + D::kSubstringAt +
                                 "(name, ?2) > 0) ORDER BY name LIMIT ?3 OFFSET ?4";
  return QueryMany(
      conn_, sql, [&](Statement& s) { s.Bind(1, domain_id).Bind(2, name_contains).Bind(3, limit).Bind(4, offset); },
      [&](Statement& s) { out->push_back(ReadUserDetail(s)); });
}

template <typename D>
Status IdentityRepositoryOn<D>::GetUserDetail(const std::string& user_id, UserDetail* out) {
  static const std::string sql = std::string("SELECT ") + kUserDetailColumns + " FROM users WHERE id = ?1";
  return QueryOne(
      conn_, sql, "user", [&](Statement& s) { s.Bind(1, user_id); }, [&](Statement& s) { *out = ReadUserDetail(s); });
}

template <typename D>
Status IdentityRepositoryOn<D>::InsertGroup(const Group& g) {
  static const std::string sql =
      std::string("INSERT INTO user_groups (id, domain_id, name, create_time) VALUES (?1, ?2, ?3, ") + D::kNowMillis +
      ") ON CONFLICT DO NOTHING";
  return InsertOne(conn_, sql, "user_groups row",
                   [&](Statement& s) { s.Bind(1, g.id).Bind(2, g.domain_id).Bind(3, g.name); });
}

template <typename D>
Status IdentityRepositoryOn<D>::GetGroupByName(const std::string& domain_id, const std::string& name, Group* out) {
  return QueryOne(
      conn_, "SELECT id, name, domain_id FROM user_groups WHERE domain_id = ?1 AND name = ?2", "group",
      [&](Statement& s) { s.Bind(1, domain_id).Bind(2, name); },
      [&](Statement& s) {
        *out = Group{s.Text(0), s.Text(1), s.Text(2)};
      });
}

template <typename D>
Status IdentityRepositoryOn<D>::GetGroupById(const std::string& id, Group* out) {
  return QueryOne(
      conn_, "SELECT id, name, domain_id FROM user_groups WHERE id = ?1", "group", [&](Statement& s) { s.Bind(1, id); },
      [&](Statement& s) {
        *out = Group{s.Text(0), s.Text(1), s.Text(2)};
      });
}

template <typename D>
Status IdentityRepositoryOn<D>::ListGroups(const std::string& domain_id, std::vector<Group>* out) {
  return QueryMany(
      conn_, "SELECT id, name, domain_id FROM user_groups WHERE domain_id = ?1 ORDER BY name",
      [&](Statement& s) { s.Bind(1, domain_id); },
      [&](Statement& s) {
        out->push_back(Group{s.Text(0), s.Text(1), s.Text(2)});
      });
}

template <typename D>
Status IdentityRepositoryOn<D>::AddGroupMember(const std::string& group_id, const std::string& user_id) {
  return InsertOne(conn_, "INSERT INTO user_group_members (group_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                   "user_group_members row", [&](Statement& s) { s.Bind(1, group_id).Bind(2, user_id); });
}

template <typename D>
Status IdentityRepositoryOn<D>::RemoveGroupMember(const std::string& group_id, const std::string& user_id) {
  return ExecOne(conn_, "DELETE FROM user_group_members WHERE group_id = ?1 AND user_id = ?2", "group member",
                 [&](Statement& s) { s.Bind(1, group_id).Bind(2, user_id); });
}

template <typename D>
Status IdentityRepositoryOn<D>::ListGroupMembers(const std::string& group_id, std::vector<User>* out) {
  return QueryMany(
      conn_,
      "SELECT u.id, u.name, u.domain_id, u.password_hash, u.role, u.enabled FROM user_group_members m "
      "JOIN users u ON u.id = m.user_id WHERE m.group_id = ?1 ORDER BY u.name",
      [&](Statement& s) { s.Bind(1, group_id); },
      [&](Statement& s) {
        out->push_back(User{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5) != 0});
      });
}

}  // namespace csms::sql
