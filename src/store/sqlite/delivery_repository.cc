// SQLite storage of notification delivery. The dispatcher's hot path is ClaimDue (one UPDATE ...
// RETURNING over the partial index of PENDING rows by next_attempt_at, after an INSERT ... SELECT
// over the same rows that logs reclaimed leases as in-doubt attempts) and SaveOutcome (one UPDATE
// guarded by the lease, one INSERT into the attempt log), batched by the caller into few
// transactions.
#include <limits>

#include "common/errors.h"
#include "store/sql/record_columns.h"
#include "store/sql/record_page.h"
#include "store/sql/row_errors.h"
#include "store/sqlite/dialect.h"
#include "store/sqlite/query.h"
#include "store/sqlite/repositories.h"

namespace csms::sqlite {

using sql::BindRecordPage;
using sql::NoStatusMeans;
using sql::ReadRecordColumns;
using sql::RecordPageSql;

Status SqliteDeliveryRepository::ClaimDue(int64_t now, int64_t lease_until, const std::string& owner, int limit,
                                          std::vector<ClaimedNotification>* out) {
  // A due row that still has a lease owner was claimed before and its outcome never saved: its
  // attempt goes into the log as in doubt before the row is claimed again. Both statements pick
  // the same rows (same subquery, same transaction); the first one inserts nothing in the usual
  // case, where no lease ran out.
  CSMS_RETURN_IF_ERROR(
      Exec(conn_,
           "INSERT OR IGNORE INTO attempts (record_id, number, time, http_status, latency_us, error, in_doubt) "
           "SELECT id, attempt_count + 1, ?1, 0, 0, ?3, 1 FROM notifications WHERE rowid IN (SELECT rowid FROM "
           "notifications WHERE status = 'PENDING' AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT ?2) "
           "AND lease_owner IS NOT NULL",
           [&](Statement& s) { s.Bind(1, now).Bind(2, limit).Bind(3, kInDoubtLeaseExpired); }));
  return QueryMany(
      conn_,
      "UPDATE notifications SET next_attempt_at = ?2, lease_owner = ?3, "
      "attempt_count = attempt_count + (lease_owner IS NOT NULL), "
      "last_error = CASE WHEN lease_owner IS NOT NULL THEN ?5 ELSE last_error END "
      "WHERE rowid IN (SELECT rowid FROM "
      "notifications WHERE status = 'PENDING' AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT ?4) "
      "RETURNING id, project_id, event_name, secret_name, target_type, target_id, content, trigger_event_type, "
      "attempt_count, round_attempts, round_start",
      [&](Statement& s) {
        s.Bind(1, now).Bind(2, lease_until).Bind(3, owner).Bind(4, limit).Bind(5, kInDoubtLeaseExpired);
      },
      [&](Statement& s) {
        ClaimedNotification n;
        n.record_id = s.Text(0);
        n.project_id = s.Text(1);
        n.event_name = s.Text(2);
        n.secret_name = s.Text(3);
        n.target_type = ParseTargetType(s.TextView(4));
        n.target_id = s.Text(5);
        n.content = s.Text(6);
        // An unreadable type is not invented, nor does it stop the claim of the other rows: the
        // dispatcher ends that record INVALID (Dispatcher::Launch).
        n.trigger_event_type = ParseEventType(s.TextView(7));
        n.attempt_count = s.Int(8);
        n.round_attempts = s.Int(9);
        n.round_start = s.OptInt(10);
        out->push_back(std::move(n));
        return Status::OK();
      });
}

Status SqliteDeliveryRepository::SaveOutcome(const std::string& owner, const DeliveryOutcome& o, bool* applied) {
  bool final = o.status != NotificationStatus::kPending;
  // attempt_count never goes back: an in-doubt attempt logged after this one (our own lease,
  // renewed by a claim while we waited) keeps its number.
  CSMS_RETURN_IF_ERROR(
      Exec(conn_,
           "UPDATE notifications SET status = ?3, attempt_count = max(attempt_count, ?4), round_attempts = ?5, "
           "round_start = ?6, next_attempt_at = ?7, lease_owner = NULL, last_error = ?8, final_time = ?9 "
           "WHERE id = ?1 AND lease_owner = ?2",
           [&](Statement& s) {
             s.Bind(1, o.record_id)
                 .Bind(2, owner)
                 .Bind(3, NotificationStatusName(o.status))
                 .Bind(4, o.attempt.number)
                 .Bind(5, o.round_attempts)
                 .Bind(6, o.round_start);
             final ? s.BindNull(7) : s.BindOpt(7, o.next_attempt_at);
             o.attempt.error.empty() ? s.BindNull(8) : s.Bind(8, o.attempt.error);
             final ? s.Bind(9, o.attempt.time) : s.BindNull(9);
           }));
  *applied = sqlite3_changes(conn_.db()) == 1;
  if (!*applied) return Status::OK();
  return Exec(conn_,
              "INSERT OR REPLACE INTO attempts (record_id, number, time, http_status, latency_us, error) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
              [&](Statement& s) {
                s.Bind(1, o.record_id)
                    .Bind(2, o.attempt.number)
                    .Bind(3, o.attempt.time)
                    .Bind(4, o.attempt.http_status)
                    .Bind(5, o.attempt.latency_us)
                    .Bind(6, o.attempt.error);
              });
}

Status SqliteDeliveryRepository::SaveOutcomes(const std::string& owner, const std::vector<DeliveryOutcome>& outcomes,
                                              std::vector<bool>* applied) {
  // No round trips to save here: one outcome at a time, in order.
  applied->assign(outcomes.size(), false);
  for (size_t i = 0; i < outcomes.size(); ++i) {
    bool a = false;
    CSMS_RETURN_IF_ERROR(SaveOutcome(owner, outcomes[i], &a));
    (*applied)[i] = a;
  }
  return Status::OK();
}

Status SqliteDeliveryRepository::ReleaseAllLeases(int64_t now, int64_t* released) {
  *released = 0;
  // Each released claim may have been sent before the previous process died: its attempt goes
  // into the log as in doubt, so the record counts what the receiver may have seen.
  CSMS_RETURN_IF_ERROR(
      Exec(conn_,
           "INSERT OR IGNORE INTO attempts (record_id, number, time, http_status, latency_us, error, in_doubt) "
           "SELECT id, attempt_count + 1, ?1, 0, 0, ?2, 1 FROM notifications "
           "WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL AND lease_owner IS NOT NULL",
           [&](Statement& st) { st.Bind(1, now).Bind(2, kInDoubtAfterRestart); }));
  CSMS_RETURN_IF_ERROR(Exec(conn_,
                            "UPDATE notifications SET next_attempt_at = ?1, lease_owner = NULL, "
                            "attempt_count = attempt_count + 1, last_error = ?2 "
                            "WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL AND lease_owner IS NOT NULL",
                            [&](Statement& st) { st.Bind(1, now).Bind(2, kInDoubtAfterRestart); }));
  *released = sqlite3_changes(conn_.db());
  return Status::OK();
}

Status SqliteDeliveryRepository::ReleaseLeasesOf(const std::string& owner, int64_t now, int64_t* released) {
  *released = 0;
  CSMS_RETURN_IF_ERROR(
      Exec(conn_,
           "INSERT OR IGNORE INTO attempts (record_id, number, time, http_status, latency_us, error, in_doubt) "
           "SELECT id, attempt_count + 1, ?1, 0, 0, ?2, 1 FROM notifications "
           "WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL AND lease_owner = ?3",
           [&](Statement& st) { st.Bind(1, now).Bind(2, kInDoubtAfterRestart).Bind(3, owner); }));
  CSMS_RETURN_IF_ERROR(Exec(conn_,
                            "UPDATE notifications SET next_attempt_at = ?1, lease_owner = NULL, "
                            "attempt_count = attempt_count + 1, last_error = ?2 "
                            "WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL AND lease_owner = ?3",
                            [&](Statement& st) { st.Bind(1, now).Bind(2, kInDoubtAfterRestart).Bind(3, owner); }));
  *released = sqlite3_changes(conn_.db());
  return Status::OK();
}

Status SqliteDeliveryRepository::CountPending(int64_t* count) {
  return QueryOne(
      conn_, "SELECT count(*) FROM notifications WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL", "count",
      [](Statement&) {}, [&](Statement& s) { *count = s.Int(0); });
}

Status SqliteDeliveryRepository::NextDueTime(std::optional<int64_t>* out) {
  return QueryOne(
      conn_, "SELECT min(next_attempt_at) FROM notifications WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL",
      "due time", [](Statement&) {}, [&](Statement& s) { *out = s.OptInt(0); });
}

Status SqliteDeliveryRepository::GetRecord(const std::string& project_id, const std::string& record_id,
                                           RecordDetail* out) {
  CSMS_RETURN_IF_ERROR(QueryOne(
      conn_,
      "SELECT id, project_id, event_name, trigger_event_type, create_time, secret_name, secret_type, target_type, "
      "target_id, target_name, content, status, secret_id, sequence, next_attempt_at, attempt_count, final_time, "
      "last_error FROM notifications WHERE id = ?1 AND project_id = ?2",
      "notification record", [&](Statement& s) { s.Bind(1, record_id).Bind(2, project_id); },
      [&](Statement& s) {
        out->attempt_count = s.Int(15);
        out->final_time = s.OptInt(16);
        out->last_error = s.OptText(17);
        return ReadRecordColumns(s, &out->record);
      }));
  out->attempts.clear();
  return QueryMany(
      conn_,
      "SELECT number, time, http_status, latency_us, error, in_doubt FROM attempts WHERE record_id = ?1 "
      "ORDER BY number",
      [&](Statement& s) { s.Bind(1, record_id); },
      [&](Statement& s) {
        DeliveryAttempt a;
        a.number = s.Int(0);
        a.time = s.Int(1);
        a.http_status = static_cast<int>(s.Int(2));
        a.latency_us = s.Int(3);
        a.error = s.Text(4);
        a.in_doubt = s.Int(5) != 0;
        out->attempts.push_back(std::move(a));
      });
}

Status SqliteDeliveryRepository::Redeliver(const std::string& project_id, const std::string& record_id, int64_t now) {
  // A notification in flight (leased) is left to its dispatcher: it is being delivered already.
  CSMS_RETURN_IF_ERROR(
      Exec(conn_,
           "UPDATE notifications SET status = 'PENDING', next_attempt_at = ?3, round_attempts = 0, round_start = NULL, "
           "final_time = NULL WHERE id = ?1 AND project_id = ?2 AND lease_owner IS NULL",
           [&](Statement& s) { s.Bind(1, record_id).Bind(2, project_id).Bind(3, now); }));
  if (sqlite3_changes(conn_.db()) == 1) return Status::OK();
  return QueryOne(
      conn_, "SELECT 1 FROM notifications WHERE id = ?1 AND project_id = ?2", "notification record",
      [&](Statement& s) { s.Bind(1, record_id).Bind(2, project_id); }, [](Statement&) {});
}

Status SqliteDeliveryRepository::Redrive(const RecordQuery& q, int64_t now, int64_t* count) {
  // The page the listing shows for the same filters (record_page.h), except that no status means
  // FAIL and INVALID: O(limit) like the page.
  const std::string sql =
      "UPDATE notifications SET status = 'PENDING', next_attempt_at = ?9, round_attempts = 0, round_start = NULL, "
      "final_time = NULL WHERE lease_owner IS NULL AND id IN (SELECT id FROM (" +
      RecordPageSql(q, Dialect::kRecordPageWalks, NoStatusMeans::kFailed) + "))";
  Status st = Exec(conn_, sql, [&](Statement& s) {
    BindRecordPage(s, q);
    s.Bind(9, now);
  });
  *count = st.ok() ? sqlite3_changes(conn_.db()) : 0;
  return st;
}

Status SqliteDeliveryRepository::InsertWebhookSecret(const std::string& project_id, const std::string& event_name,
                                                     const WebhookSecret& w) {
  return Exec(conn_,
              "INSERT INTO webhook_secrets (project_id, event_name, secret_id, sealed, create_time, expires_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
              [&](Statement& s) {
                s.Bind(1, project_id)
                    .Bind(2, event_name)
                    .Bind(3, w.secret_id)
                    .BindBlob(4, w.sealed)
                    .Bind(5, w.create_time)
                    .BindOpt(6, w.expires_at);
              });
}

Status SqliteDeliveryRepository::ListWebhookSecrets(const std::string& project_id, const std::string& event_name,
                                                    std::vector<WebhookSecret>* out) {
  // The current secret (no expiry) first, then the newest rotated-out ones.
  return QueryMany(
      conn_,
      "SELECT secret_id, sealed, create_time, expires_at FROM webhook_secrets WHERE project_id = ?1 AND event_name = "
      "?2 "
      "ORDER BY expires_at IS NOT NULL, create_time DESC",
      [&](Statement& s) { s.Bind(1, project_id).Bind(2, event_name); },
      [&](Statement& s) {
        WebhookSecret w;
        w.secret_id = s.Text(0);
        w.sealed = s.Blob(1);
        w.create_time = s.Int(2);
        w.expires_at = s.OptInt(3);
        out->push_back(std::move(w));
      });
}

Status SqliteDeliveryRepository::ExpireWebhookSecrets(const std::string& project_id, const std::string& event_name,
                                                      int64_t expires_at) {
  return Exec(conn_,
              "UPDATE webhook_secrets SET expires_at = ?3 WHERE project_id = ?1 AND event_name = ?2 "
              "AND (expires_at IS NULL OR expires_at > ?3)",
              [&](Statement& s) { s.Bind(1, project_id).Bind(2, event_name).Bind(3, expires_at); });
}

Status SqliteDeliveryRepository::DeleteWebhookSecrets(const std::string& project_id, const std::string& event_name,
                                                      std::optional<int64_t> expired_before) {
  return Exec(conn_,
              "DELETE FROM webhook_secrets WHERE project_id = ?1 AND event_name = ?2 "
              "AND (?3 IS NULL OR (expires_at IS NOT NULL AND expires_at < ?3))",
              [&](Statement& s) { s.Bind(1, project_id).Bind(2, event_name).BindOpt(3, expired_before); });
}

}  // namespace csms::sqlite
