// The PKCS#11 master-key provider: an AES-256 key on a token (an HSM, SoftHSM2) seals and opens
// data keys with C_Encrypt / C_Decrypt (CKM_AES_GCM, a random 12-byte IV chosen here, the
// associated data bound); the key never leaves the token. The module is loaded with dlopen and
// driven through the PKCS#11 headers of Debian's p11-kit. Sessions are not thread-safe, so each
// call takes one from a pool (opened on demand) and gives it back.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "crypto/key_provider.h"

namespace csms::crypto {

struct Pkcs11Config {
  std::string module;    // e.g. /usr/lib/softhsm/libsofthsm2.so
  std::string token;     // token label
  std::string key;       // CKA_LABEL of the AES key
  std::string pin_file;  // the user PIN (trailing newline ignored)
};

// Loads the module, finds the token, logs in and finds the key, which must be an AES-256 secret
// key that is sensitive and not extractable. Errors say which step failed (module, token, PIN, key).
Status OpenPkcs11Provider(const Pkcs11Config& config, std::shared_ptr<const KeyProvider>* out);

// Generates that key on the token (CKA_TOKEN, sensitive, not extractable, encrypt/decrypt only);
// kConflict when a key with the label exists. For tests and first-time setup.
Status GeneratePkcs11Key(const Pkcs11Config& config);

}  // namespace csms::crypto
