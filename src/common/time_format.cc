#include "common/time_format.h"

#include <cstdio>
#include <ctime>

#include "common/clock.h"

namespace csms {
namespace {

// Times outside [kMinTimeMillis, kMaxTimeMillis] are clamped to it: every caller gets a
// four-digit year, and no arithmetic here can overflow.
int64_t Clamp(int64_t epoch_millis) {
  return epoch_millis < kMinTimeMillis ? kMinTimeMillis : epoch_millis > kMaxTimeMillis ? kMaxTimeMillis : epoch_millis;
}

struct tm ToUtc(int64_t epoch_millis) {
  time_t secs = static_cast<time_t>(Clamp(epoch_millis) / 1000);
  struct tm out {};
  gmtime_r(&secs, &out);
  return out;
}

int MillisPart(int64_t epoch_millis) { return static_cast<int>(Clamp(epoch_millis) % 1000); }

}  // namespace

std::string FormatIso8601Millis(int64_t epoch_millis) {
  struct tm t = ToUtc(epoch_millis);
  char buf[96];  // room for any int in each field, so -Wformat-truncation has nothing to say
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                t.tm_hour, t.tm_min, t.tm_sec, MillisPart(epoch_millis));
  return buf;
}

std::string FormatIso8601Micros(int64_t epoch_millis) {
  struct tm t = ToUtc(epoch_millis);
  char buf[96];  // room for any int in each field, so -Wformat-truncation has nothing to say
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d000Z", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                t.tm_hour, t.tm_min, t.tm_sec, MillisPart(epoch_millis));
  return buf;
}

std::string FormatIso8601Seconds(int64_t epoch_millis) {
  struct tm t = ToUtc(epoch_millis);
  char buf[96];  // room for any int in each field, so -Wformat-truncation has nothing to say
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
                t.tm_min, t.tm_sec);
  return buf;
}

}  // namespace csms
