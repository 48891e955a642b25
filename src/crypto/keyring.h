// Keyring: the master key that protects everything sealed at rest (secret values' data keys,
// access-key secrets). Envelope encryption: each value gets its own random data key; only the
// wrapped (sealed) data key is stored next to the ciphertext.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace csms::crypto {

class Keyring {
 public:
  // Loads a 32-byte master key from `path` (64 hex chars), creating it with mode 0600 when absent.
  static Status LoadOrCreate(const std::string& path, Keyring* out);
  // From 64 hex chars (e.g. an environment variable).
  static Status FromHex(std::string_view hex, Keyring* out);
  // A random key that lives only in this process (--dev: the database is in memory too).
  static Keyring Ephemeral();

  // AES-256-GCM under the master key; `aad` binds the ciphertext to its row.
  std::string Seal(std::string_view plaintext, std::string_view aad) const;
  Status Open(std::string_view sealed, std::string_view aad, std::string* plaintext) const;

  // Envelope: a fresh data key seals the value; the master key seals the data key.
  struct Envelope {
    std::string wrapped_key;  // data key sealed under the master key
    std::string ciphertext;   // value sealed under the data key
  };
  Envelope SealEnvelope(std::string_view plaintext, std::string_view aad) const;
  Status OpenEnvelope(const Envelope& envelope, std::string_view aad, std::string* plaintext) const;

  bool loaded() const { return key_.size() == 32; }
  // A stable UUID-shaped id derived from the key (never reveals it): the kms_key_id shown to
  // clients and recorded with each version, so the right key is found again to decrypt.
  std::string Id() const;

 private:
  std::string key_;
};

}  // namespace csms::crypto
