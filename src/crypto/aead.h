// AES-256-GCM authenticated encryption for data at rest.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace csms::crypto {

inline constexpr size_t kAeadKeySize = 32;
inline constexpr size_t kAeadNonceSize = 12;
inline constexpr size_t kAeadTagSize = 16;

// Returns nonce (12 random bytes) || ciphertext || tag (16 bytes). `aad` is authenticated but
// not stored, so the same aad must be given to Open. Returns "" if key32 is not 32 bytes.
std::string Seal(std::string_view key32, std::string_view plaintext, std::string_view aad);

// Inverse of Seal. nullopt on a wrong key size, a short input, or any tampering with the
// nonce, ciphertext, tag or aad.
std::optional<std::string> Open(std::string_view key32, std::string_view sealed, std::string_view aad);

}  // namespace csms::crypto
