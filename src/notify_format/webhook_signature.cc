#include "notify_format/webhook_signature.h"

#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace csms::notify_format {

std::string NewSigningSecret() {
  return std::string(kSigningSecretPrefix) + crypto::Base64Encode(crypto::RandomBytes(32));
}

bool DecodeSigningSecret(std::string_view secret, std::string* key) {
  if (secret.substr(0, kSigningSecretPrefix.size()) == kSigningSecretPrefix)
    secret.remove_prefix(kSigningSecretPrefix.size());
  auto bytes = crypto::Base64Decode(secret);
  if (!bytes || bytes->empty()) return false;
  *key = std::move(*bytes);
  return true;
}

std::string SignatureHeader(const std::vector<std::string>& keys, std::string_view webhook_id,
                            int64_t timestamp_seconds, std::string_view body) {
  std::string content;
  content.reserve(webhook_id.size() + body.size() + 24);
  content.append(webhook_id).append(".").append(std::to_string(timestamp_seconds)).append(".").append(body);
  std::string header;
  for (const std::string& key : keys) {
    auto mac = crypto::HmacSha256(key, content);
    if (!header.empty()) header += ' ';
    header += "v1,";
    header += crypto::Base64Encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  }
  return header;
}

}  // namespace csms::notify_format
