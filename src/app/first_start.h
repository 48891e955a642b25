// The accounts of a first start on an empty database (not --dev): a domain, a project and an admin
// whose generated password goes to <data-dir>/initial-credentials (0600), and the admin's password
// hash, which is stored later (a deliberately slow key derivation) so that csmsd listens sooner.
//
// The credentials are written to a temporary file (unique name, fsync'd) before the accounts are
// committed and renamed into place after, so a crash at any point leaves either no accounts or the
// operator's password in a file. A start that finds the admin's hash still pending (the first
// start stopped before storing it) takes the password from that file and stores its hash.
#pragma once

#include <string>

#include "app/server_app.h"
#include "common/status.h"
#include "service/identity_service.h"

namespace csms {

// A first start's admin whose password hash is not stored yet; empty user_id: none.
struct PendingPassword {
  std::string user_id;
  std::string password;
};

// Creates the accounts on an empty database (and prints where the password is), or, on a database
// that has them, finds an admin whose hash is still pending. *pending is what the caller must pass
// to IdentityService::StoreInitialPassword. `wait_for_others`: when the admin is pending and no file
// has its password, wait up to 2 s for another process (a replica, or a server on this data dir)
// that may be storing it right now before warning.
Status BootstrapFirstStart(const AppConfig& config, IdentityService& identity, bool wait_for_others,
                           PendingPassword* pending);

}  // namespace csms
