#include "service/access_key_service.h"

#include "common/errors.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace csms {
namespace {

constexpr std::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
// Expired temporary credentials are kept this long (so a late request still gets "expired"
// rather than "unknown"), then purged when new temporary credentials are created.
constexpr int64_t kExpiredRetentionMillis = 86'400'000;

// n characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias).
std::string RandomString(std::string_view alphabet, size_t n) {
  const unsigned limit = 256 - 256 % alphabet.size();
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    for (char c : crypto::RandomBytes(n)) {
      auto b = static_cast<unsigned char>(c);
      if (b >= limit) continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == n) break;
    }
  }
  return out;
}

Status FindUser(Transaction& tx, const std::string& domain_name, const std::string& user_name, User* user) {
  Domain d;
  Status s = tx.identity().GetDomainByName(domain_name, &d);
  if (s.IsNotFound()) return errors::ResourceNotFound("domain " + domain_name + " does not exist");
  CSMS_RETURN_IF_ERROR(s);
  s = tx.identity().GetUserByName(d.id, user_name, user);
  if (s.IsNotFound()) return errors::ResourceNotFound("user " + user_name + " does not exist in domain " + domain_name);
  return s;
}

}  // namespace

std::string NewAccessKeyId(bool temporary) { return (temporary ? "CSMT" : "CSMS") + RandomString(kUpperAlnum, 16); }
std::string NewSecretKey() { return RandomString(kAlnum, 40); }
std::string NewSecurityToken() { return crypto::Base64UrlEncode(crypto::RandomBytes(48)); }

Status AccessKeyService::Insert(const std::string& domain_name, const std::string& user_name, AccessKey key,
                                CreatedAccessKey* out) {
  out->secret_key = NewSecretKey();
  key.sealed_secret = keyring_->Seal(out->secret_key, key.access_key);
  if (key.sealed_secret.empty()) return errors::Internal("sealing the secret key failed (the master key is unusable)");
  key.create_time = clock_->NowMillis();
  return store_->Write([&](Transaction& tx) -> Status {
    User user;
    CSMS_RETURN_IF_ERROR(FindUser(tx, domain_name, user_name, &user));
    key.user_id = user.id;
    if (key.temporary()) {
      int64_t purged = 0;
      CSMS_RETURN_IF_ERROR(tx.access_keys().DeleteExpiredBefore(key.create_time - kExpiredRetentionMillis, &purged));
    }
    CSMS_RETURN_IF_ERROR(tx.access_keys().Insert(key));
    out->key = key;
    out->user_name = user.name;
    return Status::OK();
  });
}

Status AccessKeyService::Create(const std::string& domain_name, const std::string& user_name,
                                const std::string& description, CreatedAccessKey* out) {
  if (description.size() > kMaxDescriptionBytes) {
    return errors::InvalidParameter("description must have at most " + std::to_string(kMaxDescriptionBytes) + " bytes");
  }
  AccessKey key;
  key.access_key = NewAccessKeyId(/*temporary=*/false);
  key.description = description;
  return Insert(domain_name, user_name, std::move(key), out);
}

Status AccessKeyService::CreateTemporary(const std::string& domain_name, const std::string& user_name,
                                         int64_t duration_seconds, CreatedAccessKey* out) {
  if (duration_seconds < kMinTemporarySeconds || duration_seconds > kMaxTemporarySeconds) {
    return errors::InvalidParameter("duration must be between " + std::to_string(kMinTemporarySeconds) + " and " +
                                    std::to_string(kMaxTemporarySeconds) + " seconds");
  }
  AccessKey key;
  key.access_key = NewAccessKeyId(/*temporary=*/true);
  out->security_token = NewSecurityToken();
  key.security_token_hash = crypto::Sha256Hex(out->security_token);
  key.description = "temporary";
  key.expires_at = clock_->NowMillis() + duration_seconds * 1000;
  return Insert(domain_name, user_name, std::move(key), out);
}

Status AccessKeyService::List(const std::string& domain_name, const std::optional<std::string>& user_name,
                              std::vector<AccessKeyListing>* out) {
  return store_->Read([&](Transaction& tx) -> Status {
    Domain d;
    Status s = tx.identity().GetDomainByName(domain_name, &d);
    if (s.IsNotFound()) return errors::ResourceNotFound("domain " + domain_name + " does not exist");
    CSMS_RETURN_IF_ERROR(s);
    std::string user_id;
    if (user_name) {
      User u;
      CSMS_RETURN_IF_ERROR(FindUser(tx, domain_name, *user_name, &u));
      user_id = u.id;
    }
    std::vector<AccessKey> keys;
    CSMS_RETURN_IF_ERROR(tx.access_keys().List(d.id, user_id, &keys));
    for (AccessKey& k : keys) {
      User u;
      CSMS_RETURN_IF_ERROR(tx.identity().GetUserById(k.user_id, &u));
      out->push_back(AccessKeyListing{std::move(k), u.name});
    }
    return Status::OK();
  });
}

Status AccessKeyService::Revoke(const std::string& access_key) {
  int64_t now = clock_->NowMillis();
  Status s = store_->Write([&](Transaction& tx) { return tx.access_keys().Revoke(access_key, now); });
  if (s.IsNotFound()) return errors::ResourceNotFound("access key " + access_key + " does not exist");
  return s;
}

Status AccessKeyService::EnsureFixture(const std::string& domain_id, const std::string& user_name,
                                       const std::string& access_key, const std::string& secret_key) {
  return store_->Write([&](Transaction& tx) -> Status {
    AccessKey existing;
    Status s = tx.access_keys().Get(access_key, &existing);
    if (s.ok()) return Status::OK();
    if (!s.IsNotFound()) return s;
    User user;
    CSMS_RETURN_IF_ERROR(tx.identity().GetUserByName(domain_id, user_name, &user));
    AccessKey key;
    key.access_key = access_key;
    key.user_id = user.id;
    key.sealed_secret = keyring_->Seal(secret_key, access_key);
    if (key.sealed_secret.empty()) {
      return errors::Internal("sealing the secret key failed (the master key is unusable)");
    }
    key.description = "--dev fixed access key";
    key.create_time = clock_->NowMillis();
    return tx.access_keys().Insert(key);
  });
}

}  // namespace csms
