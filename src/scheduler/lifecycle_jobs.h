// LifecycleJobs: the due work of time on secrets — version expiries and near expiries, automatic
// rotations, scheduled deletions. Each call takes at most `limit` due items from a time index (never
// a scan of all rows) and handles them in one transaction, emitting the notifications they trigger;
// *done tells how many it took, so a full batch means more may be due.
#pragma once

#include <functional>

#include "common/status.h"
#include "service/rotation_service.h"
#include "service/secret_vault.h"
#include "store/store.h"

namespace csms {

class LifecycleJobs {
 public:
  // `on_notifications` (may be empty) is called after a commit that wrote notifications.
  LifecycleJobs(Store* store, const SecretVault* vault, RotationService* rotations,
                std::function<void()> on_notifications);

  Status RunDueExpiries(int64_t now, int limit, int* done);
  // Due automatic rotations: the schedule moves on in the batch's transaction (so a slow or
  // failing rotation is never picked twice); rotations without a function run right after it.
  Status RunDueRotations(int64_t now, int limit, int* done);
  Status RunDueDeletions(int64_t now, int limit, int* done);

 private:
  void Notify() const;

  Store* store_;
  const SecretVault* vault_;
  RotationService* rotations_;
  std::function<void()> on_notifications_;
};

}  // namespace csms
