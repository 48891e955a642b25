// Time text formats used on the wire. Times before 1970 or after 9999 (common/clock.h's range)
// are written as the nearest end of that range.
#pragma once

#include <cstdint>
#include <string>

namespace csms {

// "2023-04-14T20:25:10.126Z": notification content times.
std::string FormatIso8601Millis(int64_t epoch_millis);
// "2020-01-04T09:08:49.965000Z": Keystone token times.
std::string FormatIso8601Micros(int64_t epoch_millis);
// "2026-11-23T13:19:55Z" for logs.
std::string FormatIso8601Seconds(int64_t epoch_millis);

}  // namespace csms
