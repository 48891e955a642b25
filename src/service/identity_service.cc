#include "service/identity_service.h"

#include "common/errors.h"
#include "crypto/encoding.h"
#include "crypto/password.h"
#include "crypto/random.h"
#include "domain/password_policy.h"
#include "domain/validation.h"

namespace csms {
namespace {

Status FindDomain(Transaction& tx, const std::string& name, Domain* out) {
  Status s = tx.identity().GetDomainByName(name, out);
  if (s.IsNotFound()) return errors::ResourceNotFound("domain " + name + " does not exist");
  return s;
}

Status FindUser(Transaction& tx, const std::string& domain_name, const std::string& user_name, User* out) {
  Domain d;
  CSMS_RETURN_IF_ERROR(FindDomain(tx, domain_name, &d));
  Status s = tx.identity().GetUserByName(d.id, user_name, out);
  if (s.IsNotFound()) return errors::ResourceNotFound("user " + user_name + " does not exist");
  return s;
}

Status FindGroup(Transaction& tx, const std::string& domain_name, const std::string& group_name, Group* out) {
  Domain d;
  CSMS_RETURN_IF_ERROR(FindDomain(tx, domain_name, &d));
  Status s = tx.identity().GetGroupByName(d.id, group_name, out);
  if (s.IsNotFound()) return errors::ResourceNotFound("group " + group_name + " does not exist");
  return s;
}

}  // namespace

BootstrapResult IdentityService::NewAccounts(const std::string& domain_name, const std::string& project_name) {
  BootstrapResult r;
  r.domain = Domain{crypto::RandomHex(16), domain_name};
  r.project = Project{crypto::RandomHex(16), project_name, r.domain.id};
  r.user = User{crypto::RandomHex(16), "admin", r.domain.id, crypto::PendingPasswordHash(), "admin"};
  r.password = crypto::Base64UrlEncode(crypto::RandomBytes(18));
  return r;
}

Status IdentityService::HasDomain(const std::string& name, bool* out) {
  Status s = store_->Read([&](Transaction& tx) {
    Domain existing;
    return tx.identity().GetDomainByName(name, &existing);
  });
  *out = s.ok();
  return s.IsNotFound() ? Status::OK() : s;
}

Status IdentityService::InsertAccountsIfEmpty(const BootstrapResult& accounts, bool* created) {
  *created = false;
  return store_->Write([&](Transaction& tx) -> Status {
    *created = false;  // a run again after a serialization failure starts over
    Domain existing;
    Status s = tx.identity().GetDomainByName(accounts.domain.name, &existing);
    if (s.ok()) return Status::OK();
    if (!s.IsNotFound()) return s;
    CSMS_RETURN_IF_ERROR(tx.identity().InsertDomain(accounts.domain));
    CSMS_RETURN_IF_ERROR(tx.identity().InsertProject(accounts.project));
    CSMS_RETURN_IF_ERROR(tx.identity().InsertUser(accounts.user));
    *created = true;
    return Status::OK();
  });
}

Status IdentityService::StoreInitialPassword(const std::string& user_id, const std::string& password) {
  std::string hash = crypto::HashPassword(password);
  if (hash.empty()) return errors::Internal("the initial password could not be hashed");
  return store_->Write([&](Transaction& tx) -> Status {
    User current;
    CSMS_RETURN_IF_ERROR(tx.identity().GetUserById(user_id, &current));
    if (!crypto::IsPendingPasswordHash(current.password_hash)) return Status::OK();
    return tx.identity().StoreFirstPassword(user_id, hash);
  });
}

Status IdentityService::FindPendingUser(const std::string& domain_name, const std::string& user_name, User* out) {
  return store_->Read([&](Transaction& tx) -> Status {
    Domain d;
    Status s = tx.identity().GetDomainByName(domain_name, &d);
    if (s.ok()) s = tx.identity().GetUserByName(d.id, user_name, out);
    if (s.ok() && !crypto::IsPendingPasswordHash(out->password_hash))
      return errors::ResourceNotFound("no pending user");
    return s;
  });
}

Status IdentityService::EnsureFixture(const Domain& domain, const Project& project, const std::string& user_name,
                                      const std::string& password, const std::string& password_hash) {
  std::string hash = password_hash.empty() ? crypto::HashPassword(password) : password_hash;
  return store_->Write([&](Transaction& tx) -> Status {
    Domain d;
    Status s = tx.identity().GetDomainById(domain.id, &d);
    if (s.IsNotFound())
      CSMS_RETURN_IF_ERROR(tx.identity().InsertDomain(domain));
    else
      CSMS_RETURN_IF_ERROR(s);
    Project p;
    s = tx.identity().GetProjectById(project.id, &p);
    if (s.IsNotFound())
      CSMS_RETURN_IF_ERROR(tx.identity().InsertProject(project));
    else
      CSMS_RETURN_IF_ERROR(s);
    User u;
    s = tx.identity().GetUserByName(domain.id, user_name, &u);
    if (s.IsNotFound())
      return tx.identity().InsertUser(User{crypto::RandomHex(16), user_name, domain.id, hash, "admin"});
    return s;
  });
}

Status IdentityService::EnsureDevUser(const std::string& domain_id, const std::string& user_name,
                                      const std::string& password, const std::string& role) {
  constexpr int kDevIterations = 1000;
  std::string hash = crypto::HashPassword(password, kDevIterations);
  return store_->Write([&](Transaction& tx) -> Status {
    User u;
    Status s = tx.identity().GetUserByName(domain_id, user_name, &u);
    if (s.IsNotFound()) return tx.identity().InsertUser(User{crypto::RandomHex(16), user_name, domain_id, hash, role});
    return s;
  });
}

Status IdentityService::CreateProject(const std::string& domain_name, const std::string& project_name, Project* out) {
  CSMS_RETURN_IF_ERROR(validation::CheckName("project name", project_name));
  return store_->Write([&](Transaction& tx) -> Status {
    Domain d;
    CSMS_RETURN_IF_ERROR(FindDomain(tx, domain_name, &d));
    *out = Project{crypto::RandomHex(16), project_name, d.id};
    Status s = tx.identity().InsertProject(*out);
    if (s.IsConflict()) return errors::NameTaken("project " + project_name + " already exists");
    return s;
  });
}

Status IdentityService::CreateUser(const std::string& domain_name, const std::string& user_name,
                                   const std::string& password, const std::string& role, User* out) {
  CSMS_RETURN_IF_ERROR(validation::CheckName("user name", user_name));
  // The API's policy (UpdateUserPassword), so an operator cannot set what a user could not.
  CSMS_RETURN_IF_ERROR(password_policy::Check(user_name, "", password));
  std::string hash = crypto::HashPassword(password);
  return store_->Write([&](Transaction& tx) -> Status {
    Domain d;
    CSMS_RETURN_IF_ERROR(FindDomain(tx, domain_name, &d));
    *out = User{crypto::RandomHex(16), user_name, d.id, hash, role};
    Status s = tx.identity().InsertUser(*out);
    if (s.IsConflict()) return errors::NameTaken("user " + user_name + " already exists");
    return s;
  });
}

Status IdentityService::SetPassword(const std::string& domain_name, const std::string& user_name,
                                    const std::string& password) {
  CSMS_RETURN_IF_ERROR(password_policy::Check(user_name, "", password));
  std::string hash = crypto::HashPassword(password);
  return store_->Write([&](Transaction& tx) -> Status {
    User u;
    CSMS_RETURN_IF_ERROR(FindUser(tx, domain_name, user_name, &u));
    return tx.identity().UpdateUserPassword(u.id, hash);
  });
}

Status IdentityService::SetUserEnabled(const std::string& domain_name, const std::string& user_name, bool enabled) {
  return store_->Write([&](Transaction& tx) -> Status {
    User u;
    CSMS_RETURN_IF_ERROR(FindUser(tx, domain_name, user_name, &u));
    return tx.identity().SetUserEnabled(u.id, enabled);
  });
}

Status IdentityService::ListProjects(const std::string& domain_name, std::vector<Project>* out) {
  return store_->Read([&](Transaction& tx) -> Status {
    Domain d;
    CSMS_RETURN_IF_ERROR(FindDomain(tx, domain_name, &d));
    return tx.identity().ListProjects(d.id, out);
  });
}

Status IdentityService::ListProjectsOfDomain(const std::string& domain_id, std::vector<Project>* out) {
  return store_->Read([&](Transaction& tx) { return tx.identity().ListProjects(domain_id, out); });
}

Status IdentityService::CreateGroup(const std::string& domain_name, const std::string& group_name, Group* out) {
  CSMS_RETURN_IF_ERROR(validation::CheckName("group name", group_name));
  return store_->Write([&](Transaction& tx) -> Status {
    Domain d;
    CSMS_RETURN_IF_ERROR(FindDomain(tx, domain_name, &d));
    *out = Group{crypto::RandomHex(16), group_name, d.id};
    Status s = tx.identity().InsertGroup(*out);
    if (s.IsConflict()) return errors::NameTaken("group " + group_name + " already exists");
    return s;
  });
}

Status IdentityService::AddGroupMember(const std::string& domain_name, const std::string& group_name,
                                       const std::string& user_name) {
  return store_->Write([&](Transaction& tx) -> Status {
    Group g;
    CSMS_RETURN_IF_ERROR(FindGroup(tx, domain_name, group_name, &g));
    User u;
    CSMS_RETURN_IF_ERROR(FindUser(tx, domain_name, user_name, &u));
    Status s = tx.identity().AddGroupMember(g.id, u.id);
    if (s.IsConflict()) return errors::NameTaken("user " + user_name + " is already in group " + group_name);
    return s;
  });
}

Status IdentityService::RemoveGroupMember(const std::string& domain_name, const std::string& group_name,
                                          const std::string& user_name) {
  return store_->Write([&](Transaction& tx) -> Status {
    Group g;
    CSMS_RETURN_IF_ERROR(FindGroup(tx, domain_name, group_name, &g));
    User u;
    CSMS_RETURN_IF_ERROR(FindUser(tx, domain_name, user_name, &u));
    Status s = tx.identity().RemoveGroupMember(g.id, u.id);
    if (s.IsNotFound()) return errors::ResourceNotFound("user " + user_name + " is not in group " + group_name);
    return s;
  });
}

Status IdentityService::ListGroups(const std::string& domain_name, std::vector<GroupWithMembers>* out) {
  return store_->Read([&](Transaction& tx) -> Status {
    Domain d;
    CSMS_RETURN_IF_ERROR(FindDomain(tx, domain_name, &d));
    std::vector<Group> groups;
    CSMS_RETURN_IF_ERROR(tx.identity().ListGroups(d.id, &groups));
    for (Group& g : groups) {
      GroupWithMembers item{std::move(g), {}};
      CSMS_RETURN_IF_ERROR(tx.identity().ListGroupMembers(item.group.id, &item.members));
      out->push_back(std::move(item));
    }
    return Status::OK();
  });
}

}  // namespace csms
