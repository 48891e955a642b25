// Storage of domains, projects, users and token hashes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/identity.h"

namespace csms {

class IdentityRepository {
 public:
  virtual ~IdentityRepository() = default;
  virtual Status InsertDomain(const Domain& domain) = 0;
  virtual Status GetDomainByName(const std::string& name, Domain* out) = 0;
  virtual Status GetDomainById(const std::string& id, Domain* out) = 0;
  virtual Status InsertProject(const Project& project) = 0;
  virtual Status GetProjectById(const std::string& id, Project* out) = 0;
  virtual Status GetProjectByName(const std::string& domain_id, const std::string& name, Project* out) = 0;
  virtual Status ListProjects(const std::string& domain_id, std::vector<Project>* out) = 0;
  virtual Status InsertUser(const User& user) = 0;
  virtual Status GetUserByName(const std::string& domain_id, const std::string& name, User* out) = 0;
  virtual Status GetUserById(const std::string& id, User* out) = 0;
  // Both revoke the user's tokens (deleted, and the revocation generation moves) when they change
  // the password or disable the user.
  virtual Status UpdateUserPassword(const std::string& user_id, const std::string& password_hash) = 0;
  virtual Status SetUserEnabled(const std::string& user_id, bool enabled) = 0;
  // A user's first password, stored after the user itself (a first start's admin): as
  // UpdateUserPassword, but the user shows no password change (password_changed_at and
  // update_time stay null).
  virtual Status StoreFirstPassword(const std::string& user_id, const std::string& password_hash) = 0;
  // Users of a domain for the users API, ordered by name; `name_contains` (empty = all) is a
  // substring of the user name.
  virtual Status CountUsers(const std::string& domain_id, const std::string& name_contains, int64_t* out) = 0;
  virtual Status ListUsers(const std::string& domain_id, const std::string& name_contains, int64_t offset, int limit,
                           std::vector<UserDetail>* out) = 0;
  virtual Status GetUserDetail(const std::string& user_id, UserDetail* out) = 0;

  // Groups of users. Inserting a group or a member twice is kConflict.
  virtual Status InsertGroup(const Group& group) = 0;
  virtual Status GetGroupByName(const std::string& domain_id, const std::string& name, Group* out) = 0;
  virtual Status GetGroupById(const std::string& id, Group* out) = 0;
  virtual Status ListGroups(const std::string& domain_id, std::vector<Group>* out) = 0;
  virtual Status AddGroupMember(const std::string& group_id, const std::string& user_id) = 0;
  virtual Status RemoveGroupMember(const std::string& group_id, const std::string& user_id) = 0;  // kNotFound if absent
  virtual Status ListGroupMembers(const std::string& group_id, std::vector<User>* out) = 0;       // by name

  virtual Status InsertToken(const TokenRecord& token) = 0;
  virtual Status GetToken(const std::string& token_hash, TokenRecord* out) = 0;
  // Revokes one token: deletes it and moves the revocation generation. kNotFound if absent.
  virtual Status RevokeToken(const std::string& token_hash) = 0;
  // A number that grows with every revocation, so a cache of valid tokens knows when to forget.
  virtual Status GetTokenRevocationGeneration(int64_t* out) = 0;
  virtual Status DeleteTokensExpiredBefore(int64_t now_ms, int64_t* deleted) = 0;
};

}  // namespace csms
