#include "service/backlog.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace csms {

Status Backlog::Read(BacklogFigures* out) const {
  const int64_t now = clock_->NowMillis();
  *out = BacklogFigures{};
  return store_->Read([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(tx.delivery().CountPending(&out->outbox_depth));
    std::optional<int64_t> next_due;
    CSMS_RETURN_IF_ERROR(tx.delivery().NextDueTime(&next_due));
    if (next_due && *next_due < now) out->outbox_oldest_due_ms = now - *next_due;

    std::optional<int64_t> oldest;
    auto consider = [&](const std::optional<int64_t>& t) {
      if (t && (!oldest || *t < *oldest)) oldest = t;
    };
    std::vector<SecretVersion> versions;
    CSMS_RETURN_IF_ERROR(tx.secrets().DueVersions(now, 1, &versions));
    for (const auto& v : versions) consider(v.expiry.due_time);
    std::vector<Secret> secrets;
    CSMS_RETURN_IF_ERROR(tx.secrets().DueRotations(now, 1, &secrets));
    for (const auto& s : secrets) consider(s.next_rotation_time);
    secrets.clear();
    CSMS_RETURN_IF_ERROR(tx.secrets().DueDeletions(now, 1, &secrets));
    for (const auto& s : secrets) consider(s.scheduled_delete_time);
    std::vector<RotationTask> tasks;
    CSMS_RETURN_IF_ERROR(tx.tasks().DueRunning(now, 1, &tasks));
    for (const auto& t : tasks) consider(t.due_time);
    if (oldest) out->scheduler_lag_ms = std::max<int64_t>(now - *oldest, 0);
    return Status::OK();
  });
}

}  // namespace csms
