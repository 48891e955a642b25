#include "crypto/keyring.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "common/errors.h"
#include "crypto/aead.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace csms::crypto {

Status Keyring::FromHex(std::string_view hex, Keyring* out) {
  auto key = HexDecode(hex);
  if (!key || key->size() != 32) return errors::InvalidParameter("master key must be 64 hex characters (32 bytes)");
  out->key_ = std::move(*key);
  return Status::OK();
}

Status Keyring::LoadOrCreate(const std::string& path, Keyring* out) {
  std::ifstream in(path);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    return FromHex(text, out);
  }
  std::string key = RandomBytes(32);
  std::string text = HexEncode(key) + "\n";
  // O_EXCL: never overwrite a key that appeared meanwhile; 0600 from the first byte.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return errors::Internal("cannot create master key file " + path);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return errors::Internal("cannot write master key file " + path);
  out->key_ = std::move(key);
  return Status::OK();
}

std::string Keyring::Id() const {
  auto mac = HmacSha256(key_, "csms kms key id v1");
  std::string hex = HexEncode(std::string_view(reinterpret_cast<const char*>(mac.data()), 16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

Keyring Keyring::Ephemeral() {
  Keyring k;
  k.key_ = RandomBytes(32);
  return k;
}

std::string Keyring::Seal(std::string_view plaintext, std::string_view aad) const {
  return crypto::Seal(key_, plaintext, aad);
}

Status Keyring::Open(std::string_view sealed, std::string_view aad, std::string* plaintext) const {
  auto opened = crypto::Open(key_, sealed, aad);
  if (!opened) return errors::StoredValueUndecryptable("stored value cannot be decrypted with the master key");
  *plaintext = std::move(*opened);
  return Status::OK();
}

Keyring::Envelope Keyring::SealEnvelope(std::string_view plaintext, std::string_view aad) const {
  std::string data_key = RandomBytes(32);
  Envelope e;
  e.ciphertext = crypto::Seal(data_key, plaintext, aad);
  e.wrapped_key = crypto::Seal(key_, data_key, aad);
  return e;
}

Status Keyring::OpenEnvelope(const Envelope& envelope, std::string_view aad, std::string* plaintext) const {
  std::string data_key;
  CSMS_RETURN_IF_ERROR(Open(envelope.wrapped_key, aad, &data_key));
  auto opened = crypto::Open(data_key, envelope.ciphertext, aad);
  if (!opened) return errors::StoredValueUndecryptable("stored value cannot be decrypted");
  *plaintext = std::move(*opened);
  return Status::OK();
}

}  // namespace csms::crypto
