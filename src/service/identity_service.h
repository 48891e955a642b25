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
  bool created = false;  // false when the database already had a domain
  Domain domain;
  Project project;
  User user;
  std::string password;  // plaintext, only when created: shown once
};

class IdentityService {
 public:
  explicit IdentityService(Store* store) : store_(store) {}

  // On an empty database: a domain, a project and an admin user with a random password.
  Status BootstrapIfEmpty(const std::string& domain_name, const std::string& project_name, BootstrapResult* out);
  // Creates exactly the given accounts when missing (used by --dev with fixed ids/passwords).
  // `password_hash`: the stored form of `password` when the caller has it already (a fixed
  // password hashed ahead of time, so start-up derives no key); empty = hash `password` now.
  Status EnsureFixture(const Domain& domain, const Project& project, const std::string& user_name,
                       const std::string& password, const std::string& password_hash = "");

  Status CreateProject(const std::string& domain_name, const std::string& project_name, Project* out);
  Status CreateUser(const std::string& domain_name, const std::string& user_name, const std::string& password,
                    const std::string& role, User* out);
  // Changing the password revokes every token of the user (the store does it in the same
  // transaction; servers' token caches follow within TokenService::kGenerationCheckMillis).
  Status SetPassword(const std::string& domain_name, const std::string& user_name, const std::string& password);
  // A disabled user cannot log in, and its tokens are revoked and its access keys refused.
  Status SetUserEnabled(const std::string& domain_name, const std::string& user_name, bool enabled);
  Status ListProjects(const std::string& domain_name, std::vector<Project>* out);
  Status ListProjectsOfDomain(const std::string& domain_id, std::vector<Project>* out);

 private:
  Store* store_;
};

}  // namespace csms
