// Durations written as text in flags and API fields: "<int><unit>" with unit ms, s, m, h or d.
// The one parser of that format (flags, rotation periods, retry schedules, lead times).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace csms {

// Milliseconds; nullopt when malformed (no digits, unknown unit, sign, spaces) or beyond ~300 years.
std::optional<int64_t> ParseDurationMillis(std::string_view text);

// A comma-separated list of such durations, each greater than zero ("1s,5s,30s"), in milliseconds.
// An empty text is an empty list; nullopt when an item is malformed, zero or empty ("1s,,2s", "1s,").
std::optional<std::vector<int64_t>> ParsePositiveDurationList(std::string_view text);

}  // namespace csms
