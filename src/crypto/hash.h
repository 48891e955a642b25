// SHA-256 and HMAC-SHA256. Both run on every signed request, so they reuse per-thread OpenSSL
// contexts instead of fetching algorithms per call.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace csms::crypto {

std::array<uint8_t, 32> Sha256(std::string_view data);
// Lower-case hex of Sha256(data).
std::string Sha256Hex(std::string_view data);

std::array<uint8_t, 32> HmacSha256(std::string_view key, std::string_view msg);
// Lower-case hex of HmacSha256(key, msg).
std::string HmacSha256Hex(std::string_view key, std::string_view msg);

}  // namespace csms::crypto
