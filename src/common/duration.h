// Durations written as text in flags and API fields: "<int><unit>" with unit ms, s, m, h or d.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace csms {

// Milliseconds; nullopt when malformed (no digits, unknown unit, sign, spaces) or beyond ~300 years.
std::optional<int64_t> ParseDurationMillis(std::string_view text);

}  // namespace csms
