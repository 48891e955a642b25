// UserService: ListUsers and ShowUserDetail (spec §1.9) — the users of the caller's domain, and
// only those. (UpdateUserPassword is TokenService::ChangePassword: it checks a password the way a
// login does and revokes the user's tokens.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/identity.h"
#include "store/store.h"

namespace csms {

struct UserQuery {
  std::string domain_id;
  int64_t offset = 0;         // users to skip, >= 0
  int limit = 10;             // 10..100
  std::string name_contains;  // user_info: a substring of the user name (<= 64), empty = all
};

struct UserPage {
  int64_t total = 0;  // users matching the filter, all pages
  std::vector<UserDetail> users;
};

class UserService {
 public:
  static constexpr int kMinLimit = 10;
  static constexpr int kMaxLimit = 100;
  static constexpr size_t kMaxUserInfoLength = 64;

  explicit UserService(Store* store) : store_(store) {}

  Status List(const UserQuery& query, UserPage* out);
  // kNotFound (CSMS.0005) for a user of another domain as for one that does not exist.
  Status Get(const std::string& domain_id, const std::string& user_id, UserDetail* out);

 private:
  Store* store_;
};

}  // namespace csms
