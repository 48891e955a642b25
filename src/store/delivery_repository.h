// Storage of notification delivery: claiming due notifications under a lease, the attempt log and
// outcomes, record detail, redelivery, and the events' webhook signing secrets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/delivery.h"
#include "domain/notification_record.h"

namespace csms {

class DeliveryRepository {
 public:
  virtual ~DeliveryRepository() = default;

  // Claims up to `limit` PENDING notifications due at `now` (oldest due first): each gets
  // next_attempt_at = lease_until and lease_owner = owner, so nobody else takes it before the
  // lease ends. A crashed owner's claims come due again when their lease ends; claiming one of
  // those first logs its unfinished attempt as in doubt (kInDoubtLeaseExpired, attempt_count + 1).
  virtual Status ClaimDue(int64_t now, int64_t lease_until, const std::string& owner, int limit,
                          std::vector<ClaimedNotification>* out) = 0;
  // Stores an attempt and its outcome if `owner` still holds the notification's lease
  // (*applied tells); otherwise changes nothing.
  virtual Status SaveOutcome(const std::string& owner, const DeliveryOutcome& outcome, bool* applied) = 0;
  // SaveOutcome for each of `outcomes`, in order: (*applied)[i] tells whether outcomes[i] was
  // stored. The dispatcher's batch: on an engine with network round trips, a few statements for
  // the whole batch rather than two per outcome.
  virtual Status SaveOutcomes(const std::string& owner, const std::vector<DeliveryOutcome>& outcomes,
                              std::vector<bool>* applied) = 0;
  // Makes every leased PENDING notification due at `now` (a single-process store at start: the
  // previous process's claims died with it), logging each one's unfinished attempt as in doubt
  // (kInDoubtAfterRestart, attempt_count + 1).
  virtual Status ReleaseAllLeases(int64_t now, int64_t* released) = 0;
  // The same for the leases `owner` holds (a dispatcher stopping cleanly hands its unfinished
  // claims back, so another replica takes them at once instead of when the lease ends).
  virtual Status ReleaseLeasesOf(const std::string& owner, int64_t now, int64_t* released) = 0;
  virtual Status CountPending(int64_t* count) = 0;
  // The earliest next_attempt_at of a PENDING notification.
  virtual Status NextDueTime(std::optional<int64_t>* out) = 0;

  virtual Status GetRecord(const std::string& project_id, const std::string& record_id, RecordDetail* out) = 0;
  // A final record becomes PENDING again, due at `now`, in a new delivery round (same id, same
  // content and target); a PENDING one not in flight becomes due at `now`. kNotFound if missing.
  virtual Status Redeliver(const std::string& project_id, const std::string& record_id, int64_t now) = 0;
  // Redeliver for up to query.limit records matching the listing's filters (query.status unset:
  // FAIL and INVALID). *count = how many.
  virtual Status Redrive(const RecordQuery& query, int64_t now, int64_t* count) = 0;

  // Webhook signing secrets of (project_id, event_name). Deleting an event deletes its secrets.
  virtual Status InsertWebhookSecret(const std::string& project_id, const std::string& event_name,
                                     const WebhookSecret& secret) = 0;
  virtual Status ListWebhookSecrets(const std::string& project_id, const std::string& event_name,
                                    std::vector<WebhookSecret>* out) = 0;
  // Every secret of the event without an expiry (or expiring later) gets expires_at.
  virtual Status ExpireWebhookSecrets(const std::string& project_id, const std::string& event_name,
                                      int64_t expires_at) = 0;
  // Deletes the event's secrets that expired before `expired_before`; all of them when unset.
  virtual Status DeleteWebhookSecrets(const std::string& project_id, const std::string& event_name,
                                      std::optional<int64_t> expired_before) = 0;
};

}  // namespace csms
