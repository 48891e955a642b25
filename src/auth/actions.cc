#include "auth/actions.h"

#include <algorithm>
#include <iterator>

namespace csms::auth {
namespace {

using L = AccessLevel;

// Sorted by name (FindAction does a binary search; the unit test checks the order).
constexpr ActionInfo kActions[] = {
    // Agencies and function templates (spec §1.9): not in Huawei's table, named like the others.
    {"csms:agency:create", L::kWrite},
    {"csms:agency:get", L::kRead},
    {"csms:event:create", L::kWrite},
    {"csms:event:delete", L::kWrite},
    {"csms:event:get", L::kRead},  // ShowSecretEvent: not in Huawei's table, named like the others
    {"csms:event:list", L::kList},
    {"csms:event:listNotificationRecords", L::kList},
    {"csms:event:update", L::kWrite},
    {"csms:functionTemplate:get", L::kRead},
    // Grants (spec §1.9; Huawei's names not confirmed): who shares a secret needs a write role.
    {"csms:grant:create", L::kWrite},
    {"csms:grant:delete", L::kWrite},
    {"csms:grant:list", L::kList},
    {"csms:grant:update", L::kWrite},
    // GenerateRandomPassword: Huawei's identity policies need no action for it; csms names one so
    // that every route has one. It reads and changes nothing, so read-only users may call it.
    {"csms:password:generate", L::kRead},
    // BatchImportSecrets: creates secrets (each item as CreateSecret would).
    {"csms:secret:batchImport", L::kWrite},
    // CheckSecrets: estimates the strength of a value the caller sends; stores and reveals nothing.
    {"csms:secret:check", L::kRead},
    {"csms:secret:create", L::kWrite},
    {"csms:secret:createStage", L::kWrite},
    {"csms:secret:createVersion", L::kWrite},
    {"csms:secret:delete", L::kWrite},
    {"csms:secret:deleteStage", L::kWrite},
    {"csms:secret:get", L::kRead},  // ShowSecret: metadata only, never the value
    {"csms:secret:getStage", L::kRead},
    {"csms:secret:getVersion", L::kRead, /*reveals_secret_value=*/true},
    {"csms:secret:list", L::kList},
    {"csms:secret:listVersion", L::kList},
    {"csms:secret:restoreSecret", L::kWrite},
    {"csms:secret:rotate", L::kWrite},
    {"csms:secret:scheduleDeletion", L::kWrite},
    {"csms:secret:update", L::kWrite},
    {"csms:secret:updateStage", L::kWrite},
    {"csms:secret:updateVersion", L::kWrite},
    {"csms:secretsConfig:get", L::kRead},      // ShowSecretsConfig
    {"csms:secretsConfig:update", L::kWrite},  // UpdateSecretsConfig
    {"csms:tag:batch", L::kWrite},             // tag actions: not in Huawei's table, named like the others
    {"csms:tag:create", L::kWrite},
    {"csms:tag:delete", L::kWrite},
    {"csms:tag:list", L::kList},
    {"csms:tag:listResources", L::kList},
    {"csms:task:list", L::kList},
    {"iam:projects:list", L::kList},  // GET /v3/projects, the SDKs' project-id lookup
    // POST /v3/auth/tokens (a login): a public route; named so that the audit log can say what was done.
    {"iam:tokens:create", L::kWrite, /*reveals_secret_value=*/false, /*self_service=*/true},
    // DELETE /v3/auth/tokens: anyone may revoke their own tokens (TokenService::Revoke decides whose).
    {"iam:tokens:revoke", L::kWrite, /*reveals_secret_value=*/false, /*self_service=*/true},
    // The users API (spec §1.9): the caller's domain only. Changing one's own password is self-service.
    {"iam:users:changePassword", L::kWrite, /*reveals_secret_value=*/false, /*self_service=*/true},
    {"iam:users:get", L::kRead},
    {"iam:users:list", L::kList},
};

}  // namespace

std::span<const ActionInfo> Actions() { return kActions; }

const ActionInfo* FindAction(std::string_view name) {
  auto it = std::lower_bound(std::begin(kActions), std::end(kActions), name,
                             [](const ActionInfo& a, std::string_view n) { return a.name < n; });
  if (it == std::end(kActions) || it->name != name) return nullptr;
  return &*it;
}

}  // namespace csms::auth
