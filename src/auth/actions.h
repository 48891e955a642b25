// The IAM action catalogue: every action a route may name (Route::action), with the facts the
// built-in roles need. Names follow Huawei's identity-policy names (spec §5.3, docs/reference.md) where they
// are documented, and the same pattern where they are not.
//
// A route whose action is missing here is a bug: the read-only role could not know whether to
// allow it. tests/integration/iam_actions_test.cc fails for such a route, so a new endpoint must
// add its action to kActions in actions.cc.
#pragma once

#include <span>
#include <string_view>

namespace csms::auth {

enum class AccessLevel {
  kList,   // lists resources (metadata only)
  kRead,   // reads one resource's metadata
  kWrite,  // creates, changes or deletes something
};

struct ActionInfo {
  std::string_view name;  // e.g. "csms:event:list"
  AccessLevel level;
  // True when the response carries secret material (a secret value, a backup blob that can be
  // restored to plaintext). Read-only users must not see it.
  bool reveals_secret_value = false;
  // True when the action only touches the caller's own credentials (revoking one's own token):
  // every role may perform it, whatever its level.
  bool self_service = false;
};

// Every known action, sorted by name.
std::span<const ActionInfo> Actions();
// nullptr when `name` is not in the catalogue.
const ActionInfo* FindAction(std::string_view name);

// Action names used by code outside the route table.
inline constexpr std::string_view kListProjects = "iam:projects:list";
inline constexpr std::string_view kRevokeToken = "iam:tokens:revoke";

}  // namespace csms::auth
