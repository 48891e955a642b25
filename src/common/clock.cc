#include "common/clock.h"

#include <chrono>

namespace csms {
namespace {

bool IsSettable(int64_t t) { return t >= kMinTimeMillis && t <= kMaxClockMillis; }

}  // namespace

int64_t SystemClock::NowMillis() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t OffsetClock::NowMillis() const { return SaturatingAdd(SystemClock().NowMillis(), offset_ms_.load()); }

bool OffsetClock::Advance(int64_t millis) {
  int64_t offset = offset_ms_.load();
  for (;;) {
    int64_t next = 0;
    if (__builtin_add_overflow(offset, millis, &next)) return false;
    if (!IsSettable(SaturatingAdd(SystemClock().NowMillis(), next))) return false;
    if (offset_ms_.compare_exchange_weak(offset, next)) return true;
  }
}

bool OffsetClock::Set(int64_t epoch_millis) {
  if (!IsSettable(epoch_millis)) return false;
  offset_ms_.store(epoch_millis - SystemClock().NowMillis());  // both in range: cannot overflow
  return true;
}

}  // namespace csms
