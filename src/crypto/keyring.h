// Keyring: the master key that protects everything sealed at rest (secret values' data keys,
// access-key secrets, webhook signing secrets). Envelope encryption: each value gets its own random
// data key; only the wrapped (sealed) data key is stored next to the ciphertext.
//
// A keyring holds one or more master-key *versions* (key_provider.h: a key file, CSMS_MASTER_KEY or
// a PKCS#11 token): it seals with the active one and opens with whichever version sealed the blob
// (the active one tried first; AES-GCM's tag tells a wrong key apart). Copies share their versions,
// so SetVersions (master-key rotation, docs/keys.md) reaches every holder at once; thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "crypto/key_provider.h"

namespace csms::crypto {

class Keyring {
 public:
  Keyring();

  // Loads a 32-byte master key from `path` (64 hex chars), creating it with mode 0600 when absent.
  static Status LoadOrCreate(const std::string& path, Keyring* out);
  // From 64 hex chars (e.g. an environment variable).
  static Status FromHex(std::string_view hex, Keyring* out);
  // A random key that lives only in this process (--dev: the database is in memory too).
  static Keyring Ephemeral();
  // One provider as the only version (number 1); the id is its fingerprint.
  static Keyring FromProvider(std::shared_ptr<const KeyProvider> provider);

  struct Version {
    int64_t number = 0;
    std::shared_ptr<const KeyProvider> provider;
  };
  // Replaces the versions (every copy of this keyring sees it): `active` seals from now on.
  void SetVersions(std::vector<Version> versions, int64_t active);
  std::vector<Version> versions() const;
  int64_t active_version() const;
  // Keeps the client-visible id stable across rotations (the id of the key that came first).
  void SetId(std::string id);

  // AES-256-GCM under the active master key; `aad` binds the ciphertext to its row. "" on failure.
  std::string Seal(std::string_view plaintext, std::string_view aad) const;
  Status Open(std::string_view sealed, std::string_view aad, std::string* plaintext) const;
  // Which version opened it (0 when none did).
  Status Open(std::string_view sealed, std::string_view aad, std::string* plaintext, int64_t* version) const;

  // Envelope: a fresh data key seals the value; the master key seals the data key. Empty fields on failure.
  struct Envelope {
    std::string wrapped_key;  // data key sealed under the master key
    std::string ciphertext;   // value sealed under the data key
  };
  Envelope SealEnvelope(std::string_view plaintext, std::string_view aad) const;
  Status OpenEnvelope(const Envelope& envelope, std::string_view aad, std::string* plaintext) const;

  bool loaded() const;
  // A stable UUID-shaped id derived from the (first) key (never reveals it): the kms_key_id shown
  // to clients and recorded with each version, so the right key is found again to decrypt.
  std::string Id() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace csms::crypto
