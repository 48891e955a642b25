#include "service/outbox.h"

#include "crypto/random.h"
#include "domain/event.h"

namespace csms {

Status EmitTrigger(Transaction& tx, Secret* secret, EventType type, int64_t now,
                   const notify_format::TriggerDetails& details, bool* emitted) {
  if (emitted) *emitted = false;
  if (!secret->event_subscription) return Status::OK();
  Event event;
  Status s = tx.events().Get(secret->project_id, *secret->event_subscription, &event);
  if (s.IsNotFound()) return Status::OK();  // cannot happen while deletion checks subscribers; harmless
  CSMS_RETURN_IF_ERROR(s);
  if (event.state != EventState::kEnabled || !event.Subscribes(type)) return Status::OK();

  NotificationRecord r;
  r.record_id = crypto::NewTimeOrderedUuid();
  r.project_id = secret->project_id;
  r.event_name = event.name;
  r.trigger_event_type = type;
  r.create_time = now;
  r.secret_name = secret->name;
  r.secret_type = secret->secret_type;
  r.target_type = std::string(TargetTypeName(event.notification.type));
  r.notification_target_id = event.notification.id;
  r.notification_target_name = event.notification.name;
  r.secret_id = secret->id;
  r.sequence = secret->notification_sequence + 1;
  r.notification_content =
      notify_format::RenderContent(event.name, type, now, *secret, details, r.sequence, r.record_id);
  r.notification_status = NotificationStatus::kPending;
  r.next_attempt_at = now;
  CSMS_RETURN_IF_ERROR(tx.records().Insert(r));
  CSMS_RETURN_IF_ERROR(tx.secrets().SetNotificationSequence(secret->id, r.sequence));
  secret->notification_sequence = r.sequence;
  if (emitted) *emitted = true;
  return Status::OK();
}

}  // namespace csms
