// KeyProvider: one master key, wherever it lives, as a sealing service for small secrets (data
// keys, access-key secrets, webhook signing secrets): AES-256-GCM with associated data, output
// nonce (12) || ciphertext || tag (16). Implementations: a raw 32-byte key held in memory (the
// key file or CSMS_MASTER_KEY: RawKeyProvider below) and a key that never leaves a PKCS#11 token
// (pkcs11_provider.h). Providers are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace csms::crypto {

class KeyProvider {
 public:
  virtual ~KeyProvider() = default;
  // "" on failure (a token that went away, a device error): callers treat it as an internal error.
  virtual std::string Seal(std::string_view plaintext, std::string_view aad) const = 0;
  // False when this key does not open `sealed` with `aad` (wrong key, tampering) or the device failed.
  virtual bool Open(std::string_view sealed, std::string_view aad, std::string* plaintext) const = 0;
  // A stable UUID-shaped id derived from the key that reveals nothing of it.
  virtual std::string Fingerprint() const = 0;
  // Where the key lives, for logs and `csmsd admin master-key-status` ("file", "pkcs11 token/label").
  virtual std::string Describe() const = 0;
};

// A 32-byte key in memory; its fingerprint is the kms key id csms has always derived from a key file.
std::shared_ptr<const KeyProvider> MakeRawKeyProvider(std::string key32, std::string description);

// The UUID shape of a fingerprint: 16 bytes → 8-4-4-4-12 hex.
std::string UuidShape(std::string_view sixteen_bytes);

}  // namespace csms::crypto
