// Standard Webhooks signatures (https://www.standardwebhooks.com): a receiver verifies
//   webhook-signature: v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>
// with the stock libraries, given the `whsec_<base64 key>` secret. During a secret rotation the
// header carries one signature per live secret, separated by spaces.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace csms::notify_format {

inline constexpr std::string_view kSigningSecretPrefix = "whsec_";

// A fresh secret: "whsec_" + Base64 of 32 random bytes.
std::string NewSigningSecret();
// The HMAC key bytes of a secret: the "whsec_" prefix (optional) stripped and the rest
// Base64-decoded; false when that is not valid Base64 or decodes to nothing.
bool DecodeSigningSecret(std::string_view secret, std::string* key);

// "v1,<sig>" for each key (decoded key bytes), joined by single spaces.
std::string SignatureHeader(const std::vector<std::string>& keys, std::string_view webhook_id,
                            int64_t timestamp_seconds, std::string_view body);

}  // namespace csms::notify_format
