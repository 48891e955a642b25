// Backlog: how far behind the background work is, for /metrics. One read transaction over the
// time indexes the dispatcher and the scheduler use themselves (no scan of all rows beyond the
// partial index of PENDING notifications that CountPending walks).
#pragma once

#include <cstdint>

#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace csms {

struct BacklogFigures {
  int64_t outbox_depth = 0;          // PENDING notifications (due or not, leased or not)
  int64_t outbox_oldest_due_ms = 0;  // now − the earliest next_attempt_at of a PENDING one; 0 when none is due
  // now − the oldest due item of the scheduler (a version's expiry step, an automatic rotation, a
  // scheduled deletion, a rotation-function task); 0 when nothing is due.
  int64_t scheduler_lag_ms = 0;
};

class Backlog {
 public:
  Backlog(Store* store, const Clock* clock) : store_(store), clock_(clock) {}
  Status Read(BacklogFigures* out) const;

 private:
  Store* store_;
  const Clock* clock_;
};

}  // namespace csms
