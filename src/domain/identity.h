// Identity: the Keystone-style accounts csms authenticates (domain → projects, users) and the
// bearer tokens it issues.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace csms {

struct Domain {
  std::string id;  // 32 hex
  std::string name;
};

struct Project {
  std::string id;  // 32 hex, the {project_id} of every /v1 path
  std::string name;
  std::string domain_id;
};

struct User {
  std::string id;
  std::string name;
  std::string domain_id;
  std::string password_hash;   // crypto/password.h encoding
  std::string role = "admin";  // built-in role name; see auth/ for its actions
  bool enabled = true;         // a disabled user can neither log in nor use its tokens or keys
};

// What the users API shows of a user besides the account itself (times in ms).
struct UserDetail {
  User user;
  int64_t create_time = 0;
  std::optional<int64_t> update_time;          // last password change, enabling or disabling
  std::optional<int64_t> password_changed_at;  // none until the password is first changed
};

// A named group of users of one domain (`csmsd admin create-group`); secrets can be granted to it.
struct Group {
  std::string id;  // 32 hex
  std::string name;
  std::string domain_id;
};

// A token as stored: only the SHA-256 of the token text is kept.
struct TokenRecord {
  std::string token_hash;  // hex sha256 of the token
  std::string user_id;
  std::string project_id;
  int64_t issued_at = 0;   // ms
  int64_t expires_at = 0;  // ms
};

}  // namespace csms
