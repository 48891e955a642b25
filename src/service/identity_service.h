// IdentityService: accounts administration (domains, projects, users) used by first-start
// bootstrap, --dev mode and the `csmsd admin` subcommands, plus the Keystone project lookup.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "domain/identity.h"
#include "store/store.h"

namespace csms {

struct BootstrapResult {
  Domain domain;
  Project project;
  User user;             // stored with a pending password hash (StoreInitialPassword)
  std::string password;  // plaintext: shown once
};

class IdentityService {
 public:
  explicit IdentityService(Store* store) : store_(store) {}

  // The accounts of a first start, not stored yet: new ids, an admin with a random password and
  // crypto::PendingPasswordHash, which no password matches (the real hash is a deliberately slow key
  // derivation, tens of ms, that a first start runs after it listens: StoreInitialPassword).
  static BootstrapResult NewAccounts(const std::string& domain_name, const std::string& project_name);
  // Whether a domain of that name exists (a restart finds the first start's).
  Status HasDomain(const std::string& name, bool* out);
  // Inserts `accounts` when no domain of its name exists; *created says whether it did.
  Status InsertAccountsIfEmpty(const BootstrapResult& accounts, bool* created);
  // Derives the hash of `password` and stores it for `user_id` in place of its pending hash. Does
  // nothing when the stored hash is no longer pending (an operator set a password meanwhile, or
  // another process stored this one first).
  Status StoreInitialPassword(const std::string& user_id, const std::string& password);
  // `user_name` of `domain_name` when its password is still pending: a first start stopped before
  // StoreInitialPassword finished. kNotFound otherwise.
  Status FindPendingUser(const std::string& domain_name, const std::string& user_name, User* out);
  // Creates exactly the given accounts when missing (used by --dev with fixed ids/passwords).
  // `password_hash`: the stored form of `password` when the caller has it already (a fixed
  // password hashed ahead of time, so start-up derives no key); empty = hash `password` now.
  Status EnsureFixture(const Domain& domain, const Project& project, const std::string& user_name,
                       const std::string& password, const std::string& password_hash = "");

  // --dev: a further fixed user of `domain_id` with `role`, when missing. Its password is hashed at
  // a low cost (the password is public anyway) so that a --dev start stays quick.
  Status EnsureDevUser(const std::string& domain_id, const std::string& user_name, const std::string& password,
                       const std::string& role);

  Status CreateProject(const std::string& domain_name, const std::string& project_name, Project* out);
  // The password must pass domain/password_policy.h (as UpdateUserPassword's): WeakPassword.
  Status CreateUser(const std::string& domain_name, const std::string& user_name, const std::string& password,
                    const std::string& role, User* out);
  // Changing the password revokes every token of the user (the store does it in the same
  // transaction; servers' token caches follow within TokenService::kGenerationCheckMillis).
  Status SetPassword(const std::string& domain_name, const std::string& user_name, const std::string& password);
  // A disabled user cannot log in, and its tokens are revoked and its access keys refused.
  Status SetUserEnabled(const std::string& domain_name, const std::string& user_name, bool enabled);
  Status ListProjects(const std::string& domain_name, std::vector<Project>* out);
  Status ListProjectsOfDomain(const std::string& domain_id, std::vector<Project>* out);

  // Groups of users (secrets can be granted to a group: service/grant_service.h).
  struct GroupWithMembers {
    Group group;
    std::vector<User> members;  // by name
  };
  Status CreateGroup(const std::string& domain_name, const std::string& group_name, Group* out);
  // Both kNotFound (CSMS.0005) for an unknown group or user; adding a member twice is a
  // conflict (CSMS.0009), removing a non-member kNotFound.
  Status AddGroupMember(const std::string& domain_name, const std::string& group_name, const std::string& user_name);
  Status RemoveGroupMember(const std::string& domain_name, const std::string& group_name, const std::string& user_name);
  Status ListGroups(const std::string& domain_name, std::vector<GroupWithMembers>* out);

 private:
  Store* store_;
};

}  // namespace csms
