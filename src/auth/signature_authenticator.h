// SignatureAuthenticator: turns an SDK-HMAC-SHA256 signed request into a Principal.
//
//   1. parse Authorization; 2. look up the AK, open its SK with the master key; 3. verify the
//   signature (X-Sdk-Date within ±15 min of the server clock); 4. check the key is active and,
//   for temporary credentials, unexpired and matched by a signed X-Security-Token; 5. check
//   X-Project-Id equals the path's project, and that the project belongs to the domain of the
//   key's user.
//
// Keys are read on every request (one primary-key lookup and one AES-GCM open), so revocation
// takes effect at once. Every failure is a 401 with its own CSMS code, except a project the key
// may not use, which is a 403 (CSMS.0302) like a token scoped to another project.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/principal.h"
#include "auth/signature.h"
#include "common/clock.h"
#include "common/status.h"
#include "crypto/keyring.h"
#include "store/store.h"

namespace csms {

class SignatureAuthenticator {
 public:
  SignatureAuthenticator(Store* store, const crypto::Keyring* keyring, const Clock* clock)
      : store_(store), keyring_(keyring), clock_(clock) {}

  // `authorization` is the Authorization header value. `path_project` is the {project_id} of
  // the route, or empty for routes outside a project (then X-Project-Id, when sent, names the
  // project). On success *out is the key's user, scoped to that project (or to none).
  Status Authenticate(const auth::SignedRequestView& request, std::string_view authorization,
                      const std::string& path_project, Principal* out);

  // Access keys read from the store (every signed request reads its key: there is no key cache,
  // so a revocation takes effect at once), for /metrics.
  int64_t key_lookups() const { return key_lookups_.load(std::memory_order_relaxed); }

 private:
  Store* store_;
  const crypto::Keyring* keyring_;
  const Clock* clock_;
  std::atomic<int64_t> key_lookups_{0};
};

// True when an Authorization header value uses one of the SDK signing schemes (SDK-HMAC-SHA256
// and the other algorithms the SDKs can be configured for): such a request is authenticated by
// its signature, never by an X-Auth-Token it may also carry.
bool IsSignatureAuthorization(std::string_view authorization);

}  // namespace csms
