// Clock: the only source of "now" in csms. Production uses SystemClock; tests and --dev mode use
// ManualClock so expiry and retention can be exercised without waiting.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>

namespace csms {

// The range of times csms handles: 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z (four-digit
// years in every wire format). Time inputs outside it are refused; inside it, adding any duration
// csms uses (at most a few years) cannot overflow int64.
inline constexpr int64_t kMinTimeMillis = 0;
inline constexpr int64_t kMaxTimeMillis = 253'402'300'799'999;
constexpr bool IsValidTimeMillis(int64_t t) { return t >= kMinTimeMillis && t <= kMaxTimeMillis; }
// The latest "now" a settable clock accepts: 9000-01-01T00:00:00Z, so that now plus any duration
// csms adds (a 24 h token, a lease, a rotation period) still lies in the range above.
inline constexpr int64_t kMaxClockMillis = 221'845'392'000'000;

// a + b, clamped to the int64 range instead of overflowing (for arithmetic on times that can come
// from outside).
constexpr int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return out;
}

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMillis() const = 0;
  int64_t NowSeconds() const { return NowMillis() / 1000; }
};

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override;
};

// Follows the system clock plus an offset that tests can set or advance. Both refuse (return
// false, change nothing) a result outside [kMinTimeMillis, kMaxClockMillis], so "now" stays a time
// every format and every addition of a duration can handle.
class OffsetClock final : public Clock {
 public:
  int64_t NowMillis() const override;
  bool Advance(int64_t millis);
  bool Set(int64_t epoch_millis);
  int64_t offset() const { return offset_ms_.load(); }

 private:
  std::atomic<int64_t> offset_ms_{0};
};

}  // namespace csms
