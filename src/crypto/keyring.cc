#include "crypto/keyring.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>

#include "common/errors.h"
#include "crypto/aead.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace csms::crypto {

namespace {

class RawKeyProvider final : public KeyProvider {
 public:
  RawKeyProvider(std::string key, std::string description)
      : key_(std::move(key)), description_(std::move(description)) {
    auto mac = HmacSha256(key_, "csms kms key id v1");
    fingerprint_ = UuidShape(std::string_view(reinterpret_cast<const char*>(mac.data()), 16));
  }
  std::string Seal(std::string_view plaintext, std::string_view aad) const override {
    return crypto::Seal(key_, plaintext, aad);
  }
  bool Open(std::string_view sealed, std::string_view aad, std::string* plaintext) const override {
    auto opened = crypto::Open(key_, sealed, aad);
    if (!opened) return false;
    *plaintext = std::move(*opened);
    return true;
  }
  std::string Fingerprint() const override { return fingerprint_; }
  std::string Describe() const override { return description_; }

 private:
  std::string key_;
  std::string description_;
  std::string fingerprint_;
};

}  // namespace

std::shared_ptr<const KeyProvider> MakeRawKeyProvider(std::string key32, std::string description) {
  return std::make_shared<RawKeyProvider>(std::move(key32), std::move(description));
}

std::string UuidShape(std::string_view sixteen_bytes) {
  std::string hex = HexEncode(sixteen_bytes.substr(0, 16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

struct Keyring::State {
  mutable std::mutex mu;
  // Active first, then the others newest first: the order Open tries them in.
  std::shared_ptr<const std::vector<Version>> versions = std::make_shared<std::vector<Version>>();
  int64_t active = 0;
  std::string id;

  std::shared_ptr<const std::vector<Version>> Snapshot() const {
    std::lock_guard lock(mu);
    return versions;
  }
};

Keyring::Keyring() : state_(std::make_shared<State>()) {}

Keyring Keyring::FromProvider(std::shared_ptr<const KeyProvider> provider) {
  Keyring k;
  k.state_->id = provider->Fingerprint();
  k.SetVersions({Version{1, std::move(provider)}}, 1);
  return k;
}

Status Keyring::FromHex(std::string_view hex, Keyring* out) {
  auto key = HexDecode(hex);
  if (!key || key->size() != 32) return errors::InvalidParameter("master key must be 64 hex characters (32 bytes)");
  *out = FromProvider(MakeRawKeyProvider(std::move(*key), "CSMS_MASTER_KEY"));
  return Status::OK();
}

Status Keyring::LoadOrCreate(const std::string& path, Keyring* out) {
  std::ifstream in(path);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    auto key = HexDecode(text);
    if (!key || key->size() != 32) {
      return errors::InvalidParameter("master key must be 64 hex characters (32 bytes)");
    }
    *out = FromProvider(MakeRawKeyProvider(std::move(*key), "file " + path));
    return Status::OK();
  }
  std::string key = RandomBytes(32);
  std::string text = HexEncode(key) + "\n";
  // O_EXCL: never overwrite a key that appeared meanwhile; 0600 from the first byte.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return errors::Internal("cannot create master key file " + path);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return errors::Internal("cannot write master key file " + path);
  *out = FromProvider(MakeRawKeyProvider(std::move(key), "file " + path));
  return Status::OK();
}

Keyring Keyring::Ephemeral() { return FromProvider(MakeRawKeyProvider(RandomBytes(32), "ephemeral")); }

void Keyring::SetVersions(std::vector<Version> versions, int64_t active) {
  std::stable_sort(versions.begin(), versions.end(), [active](const Version& a, const Version& b) {
    if ((a.number == active) != (b.number == active)) return a.number == active;
    return a.number > b.number;
  });
  auto next = std::make_shared<const std::vector<Version>>(std::move(versions));
  std::lock_guard lock(state_->mu);
  state_->versions = std::move(next);
  state_->active = active;
}

std::vector<Keyring::Version> Keyring::versions() const { return *state_->Snapshot(); }

int64_t Keyring::active_version() const {
  std::lock_guard lock(state_->mu);
  return state_->active;
}

void Keyring::SetId(std::string id) {
  std::lock_guard lock(state_->mu);
  state_->id = std::move(id);
}

std::string Keyring::Id() const {
  std::lock_guard lock(state_->mu);
  return state_->id;
}

bool Keyring::loaded() const { return !state_->Snapshot()->empty(); }

std::string Keyring::Seal(std::string_view plaintext, std::string_view aad) const {
  auto versions = state_->Snapshot();
  if (versions->empty()) return std::string();
  return versions->front().provider->Seal(plaintext, aad);
}

Status Keyring::Open(std::string_view sealed, std::string_view aad, std::string* plaintext) const {
  int64_t version = 0;
  return Open(sealed, aad, plaintext, &version);
}

Status Keyring::Open(std::string_view sealed, std::string_view aad, std::string* plaintext, int64_t* version) const {
  *version = 0;
  auto versions = state_->Snapshot();
  for (const Version& v : *versions) {
    if (v.provider->Open(sealed, aad, plaintext)) {
      *version = v.number;
      return Status::OK();
    }
  }
  return errors::StoredValueUndecryptable("stored value cannot be decrypted with the master key");
}

Keyring::Envelope Keyring::SealEnvelope(std::string_view plaintext, std::string_view aad) const {
  std::string data_key = RandomBytes(32);
  Envelope e;
  e.wrapped_key = Seal(data_key, aad);
  if (e.wrapped_key.empty()) return e;
  e.ciphertext = crypto::Seal(data_key, plaintext, aad);
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
