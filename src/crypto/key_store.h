// KeyStore: the master keys a server holds, by id and alias. One is always the built-in
// `csms/default`; more can be configured (--kms-key ALIAS=FILE). A secret names the key its new
// versions are sealed with (kms_key_id); each version records the id of the key that sealed it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crypto/keyring.h"

namespace csms::crypto {

struct MasterKey {
  std::string id;     // Keyring::Id()
  std::string alias;  // e.g. "csms/default"
  Keyring keyring;
};

class KeyStore {
 public:
  // The first key added is the default one.
  void Add(std::string alias, Keyring keyring);
  const MasterKey& Default() const { return keys_.front(); }
  // By id or by alias; nullptr when unknown.
  const MasterKey* Find(std::string_view id_or_alias) const;
  const std::vector<MasterKey>& keys() const { return keys_; }
  bool empty() const { return keys_.empty(); }

 private:
  std::vector<MasterKey> keys_;
};

}  // namespace csms::crypto
