#include "common/clock.h"

#include <chrono>

namespace csms {

int64_t SystemClock::NowMillis() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t OffsetClock::NowMillis() const { return SystemClock().NowMillis() + offset_ms_.load(); }

void OffsetClock::Set(int64_t epoch_millis) {
  offset_ms_.store(epoch_millis - SystemClock().NowMillis());
}

}  // namespace csms
