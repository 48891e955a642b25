#include "scheduler/lifecycle_jobs.h"

#include <vector>

#include "common/log.h"
#include "service/outbox.h"

namespace csms {

LifecycleJobs::LifecycleJobs(Store* store, const SecretVault* vault, RotationService* rotations,
                             std::function<void()> on_notifications)
    : store_(store), vault_(vault), rotations_(rotations), on_notifications_(std::move(on_notifications)) {}

void LifecycleJobs::Notify() const {
  if (on_notifications_) on_notifications_();
}

Status LifecycleJobs::RunDueExpiries(int64_t now, int limit, int* done) {
  *done = 0;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    std::vector<SecretVersion> due;
    CSMS_RETURN_IF_ERROR(tx.secrets().DueVersions(now, limit, &due));
    *done = static_cast<int>(due.size());
    std::string cached_id;
    Secret secret;
    for (const auto& v : due) {
      if (v.secret_id != cached_id) {
        CSMS_RETURN_IF_ERROR(tx.secrets().GetById(v.secret_id, &secret));
        cached_id = v.secret_id;
      }
      if (!v.expire_time) {  // cannot happen: a version without expiry has no due_time
        CSMS_RETURN_IF_ERROR(tx.secrets().UpdateVersionExpiry(v.secret_id, v.number, v.expire_time, ExpirySchedule{}));
        continue;
      }
      auto step = AdvanceExpiry(now, *v.expire_time, v.expiry, vault_->near_expiry_leads_ms());
      if (step.kind != ExpiryStep::kNothing) {
        notify_format::TriggerDetails d;
        d.version_id = v.id();
        d.version_create_time = v.create_time;
        d.version_expire_time = v.expire_time;
        if (step.kind == ExpiryStep::kNearExpiry) d.near_expiry_lead_ms = step.lead_ms;
        EventType type = step.kind == ExpiryStep::kExpired ? EventType::kVersionExpired : EventType::kVersionNearExpiry;
        CSMS_RETURN_IF_ERROR(EmitTrigger(tx, &secret, type, now, d));
      }
      CSMS_RETURN_IF_ERROR(tx.secrets().UpdateVersionExpiry(v.secret_id, v.number, v.expire_time, step.next));
    }
    return Status::OK();
  }));
  if (*done > 0) Notify();
  return Status::OK();
}

Status LifecycleJobs::RunDueRotations(int64_t now, int limit, int* done) {
  *done = 0;
  std::vector<Secret> rotate_now;
  bool notified = false, queued = false;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    // PostgreSQL may run this again after a serialization failure: nothing of a failed run counts.
    rotate_now.clear();
    notified = queued = false;
    std::vector<Secret> due;
    CSMS_RETURN_IF_ERROR(tx.secrets().DueRotations(now, limit, &due));
    *done = static_cast<int>(due.size());
    for (auto& secret : due) {
      RotationService::AutoRotation started;
      CSMS_RETURN_IF_ERROR(rotations_->StartAutoRotation(tx, &secret, now, &started));
      if (started == RotationService::AutoRotation::kRotateNow) rotate_now.push_back(secret);
      if (started == RotationService::AutoRotation::kFailed) notified = true;
      if (started == RotationService::AutoRotation::kQueued) queued = true;
      // Move the schedule on now, so a slow or failing rotation is never picked twice.
      ScheduleNextRotation(&secret, now);
      CSMS_RETURN_IF_ERROR(tx.secrets().Update(secret));
    }
    return Status::OK();
  }));
  if (notified) Notify();
  if (queued) rotations_->WakeWorker();
  for (const auto& secret : rotate_now) {
    RotateResult ignored;
    Status s = rotations_->RotateNow(secret.project_id, secret.name, kAutoRotation, &ignored);
    // A failure is on record as a FAILED task with SECRET_ROTATED_FAILED; the batch goes on.
    if (!s.ok()) log::Warn("automatic rotation of secret " + secret.name + " failed: " + s.ToString());
  }
  return Status::OK();
}

Status LifecycleJobs::RunDueDeletions(int64_t now, int limit, int* done) {
  *done = 0;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    std::vector<Secret> due;
    CSMS_RETURN_IF_ERROR(tx.secrets().DueDeletions(now, limit, &due));
    *done = static_cast<int>(due.size());
    for (auto& secret : due) {
      notify_format::TriggerDetails d;
      d.deletion_type = "SCHEDULED";
      CSMS_RETURN_IF_ERROR(EmitTrigger(tx, &secret, EventType::kDeleted, now, d));
      CSMS_RETURN_IF_ERROR(tx.secrets().Delete(secret));
    }
    return Status::OK();
  }));
  if (*done > 0) Notify();
  return Status::OK();
}

}  // namespace csms
