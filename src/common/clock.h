// Clock: the only source of "now" in csms. Production uses SystemClock; tests and --dev mode use
// ManualClock so expiry and retention can be exercised without waiting.
#pragma once

#include <atomic>
#include <cstdint>

namespace csms {

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

// Follows the system clock plus an offset that tests can set or advance.
class OffsetClock final : public Clock {
 public:
  int64_t NowMillis() const override;
  void Advance(int64_t millis) { offset_ms_.fetch_add(millis); }
  void Set(int64_t epoch_millis);
  int64_t offset() const { return offset_ms_.load(); }

 private:
  std::atomic<int64_t> offset_ms_{0};
};

}  // namespace csms
