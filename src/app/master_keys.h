// The csms/default master key of a server or an admin command, through its recorded versions
// (service/master_key_service.h, docs/keys.md), and `csmsd admin rotate-master-key` /
// `csmsd admin master-key-status`.
#pragma once

#include <memory>
#include <ostream>

#include "app/server_app.h"
#include "common/clock.h"
#include "common/status.h"
#include "crypto/keyring.h"
#include "service/master_key_service.h"
#include "store/store.h"

namespace csms {

// --dev: the configured key if any (else an ephemeral one) and no service. Otherwise, on a database without master-key
// versions, the configured key (--pkcs11-* flags, else CSMS_MASTER_KEY, else --master-key-file or
// <data-dir>/master.key, created 0600 when absent) becomes version 1; on one with versions, every
// version not retired is loaded from where it was recorded, and csmsd refuses to start when one
// cannot be (a missing token, a wrong PIN, a lost key file).
Status OpenMasterKeys(const AppConfig& config, Store* store, const Clock* clock, crypto::Keyring* keyring,
                      std::unique_ptr<MasterKeyService>* service);

// rotate-master-key, master-key-status and generate-pkcs11-key; key=value lines on `out`.
Status RunMasterKeyAdmin(const AppConfig& config, const AdminCommand& cmd, Store* store, std::ostream& out);

}  // namespace csms
