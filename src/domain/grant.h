// Grants: one secret shared with a user or a group of users of the same domain, until an optional
// validity time. A valid grant lets its grantee read that secret's values even when the grantee's
// role may not (auth/roles.h); it never lets anyone change anything. Groups are the identity
// store's groups of users (domain/identity.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace csms {

enum class GranteeType { kUser, kGroup };

// The wire values of grantee_type: "0" a user, "2" a group (spec §1.9).
std::string_view GranteeTypeName(GranteeType type);
bool ParseGranteeType(std::string_view text, GranteeType* out);

struct Grant {
  std::string id;  // uuid
  std::string project_id;
  std::string secret_id;
  GranteeType grantee_type = GranteeType::kUser;
  std::string grantee_id;                // a user id or a group id of the secret's domain
  int64_t create_time = 0;               // ms
  int64_t update_time = 0;               // ms
  std::optional<int64_t> validity_time;  // ms; none = until deleted

  bool valid_at(int64_t now_ms) const { return !validity_time || now_ms < *validity_time; }
};

// A grant as listed: with the grantee's name.
struct GrantView {
  Grant grant;
  std::string grantee_name;
};

namespace grants {

inline constexpr int kMaxGrantsPerSecret = 100;
inline constexpr size_t kMaxIdLength = 64;

// validity_time as text: decimal milliseconds since the epoch, or "YYYY-MM-DD HH:MM:SS" (UTC), the
// form of the spec's examples. The message of an error names `field`.
Status ParseValidityText(std::string_view field, std::string_view text, int64_t* out_ms);

}  // namespace grants
}  // namespace csms
