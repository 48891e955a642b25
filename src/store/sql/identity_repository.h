// Identity repository on either SQL engine: one text, instantiated by the engines' .cc files with
// their Dialect (store/<engine>/dialect.h). Not thread-safe: bound to one transaction's connection.
#pragma once

#include "store/identity_repository.h"

namespace csms::sql {

template <typename D>
class IdentityRepositoryOn final : public IdentityRepository {
 public:
  explicit IdentityRepositoryOn(typename D::Connection& conn) : conn_(conn) {}
  Status InsertDomain(const Domain& domain) override;
  Status GetDomainByName(const std::string& name, Domain* out) override;
  Status GetDomainById(const std::string& id, Domain* out) override;
  Status InsertProject(const Project& project) override;
  Status GetProjectById(const std::string& id, Project* out) override;
  Status GetProjectByName(const std::string& domain_id, const std::string& name, Project* out) override;
  Status ListProjects(const std::string& domain_id, std::vector<Project>* out) override;
  Status InsertUser(const User& user) override;
  Status GetUserByName(const std::string& domain_id, const std::string& name, User* out) override;
  Status GetUserById(const std::string& id, User* out) override;
  Status UpdateUserPassword(const std::string& user_id, const std::string& password_hash) override;
  Status SetUserEnabled(const std::string& user_id, bool enabled) override;
  Status StoreFirstPassword(const std::string& user_id, const std::string& password_hash) override;
  Status CountUsers(const std::string& domain_id, const std::string& name_contains, int64_t* out) override;
  Status ListUsers(const std::string& domain_id, const std::string& name_contains, int64_t offset, int limit,
                   std::vector<UserDetail>* out) override;
  Status GetUserDetail(const std::string& user_id, UserDetail* out) override;
  Status InsertGroup(const Group& group) override;
  Status GetGroupByName(const std::string& domain_id, const std::string& name, Group* out) override;
  Status GetGroupById(const std::string& id, Group* out) override;
  Status ListGroups(const std::string& domain_id, std::vector<Group>* out) override;
  Status AddGroupMember(const std::string& group_id, const std::string& user_id) override;
  Status RemoveGroupMember(const std::string& group_id, const std::string& user_id) override;
  Status ListGroupMembers(const std::string& group_id, std::vector<User>* out) override;
  Status InsertToken(const TokenRecord& token) override;
  Status GetToken(const std::string& token_hash, TokenRecord* out) override;
  Status RevokeToken(const std::string& token_hash) override;
  Status GetTokenRevocationGeneration(int64_t* out) override;
  Status DeleteTokensExpiredBefore(int64_t now_ms, int64_t* deleted) override;

 private:
  using Statement = typename D::Statement;
  typename D::Connection& conn_;
};

}  // namespace csms::sql
