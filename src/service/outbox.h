// The notification outbox: a trigger becomes a PENDING notification row written in the caller's
// transaction, so it commits (or rolls back) together with the change that caused it. The
// dispatcher delivers rows later; the row is also the record ListNotificationRecords returns.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "domain/event_type.h"
#include "domain/secret.h"
#include "notify_format/content.h"
#include "store/store.h"

namespace csms {

// Writes one notification when `secret` subscribes to an ENABLED event whose event_types include
// `type`; otherwise writes nothing. On a write the secret's notification_sequence advances (in
// *secret and in the database). `emitted` (optional) tells which happened.
Status EmitTrigger(Transaction& tx, Secret* secret, EventType type, int64_t now,
                   const notify_format::TriggerDetails& details, bool* emitted = nullptr);

}  // namespace csms
