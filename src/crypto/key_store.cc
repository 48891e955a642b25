#include "crypto/key_store.h"

namespace csms::crypto {

void KeyStore::Add(std::string alias, Keyring keyring) {
  std::string id = keyring.Id();
  keys_.push_back(MasterKey{std::move(id), std::move(alias), std::move(keyring)});
}

const MasterKey* KeyStore::Find(std::string_view id_or_alias) const {
  for (const MasterKey& k : keys_) {
    if (k.id == id_or_alias || k.alias == id_or_alias) return &k;
  }
  return nullptr;
}

}  // namespace csms::crypto
