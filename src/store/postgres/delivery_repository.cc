// PostgreSQL storage of notification delivery. The dispatcher's hot path is ClaimDue (one statement:
// an UPDATE ... RETURNING of the PENDING rows it locks through the partial index by next_attempt_at,
// beside an INSERT that logs reclaimed leases as in-doubt attempts) and SaveOutcomes (one
// statement per batch: an UPDATE guarded by the lease and an INSERT into the attempt log over the
// batch's rows, passed as arrays), batched by the caller into few transactions. SaveOutcomes and
// NextDueTime are deferred (query.h, DeferQuery): in the dispatcher's WriteRelaxed transaction they
// travel with the next statement or the COMMIT, so a pass (save, claim, next due time, commit)
// costs two round trips; their results are filled in by the time the transaction has committed.
#include <limits>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/errors.h"
#include "store/postgres/query.h"
#include "store/postgres/repositories.h"
#include "store/sql/record_columns.h"
#include "store/sql/record_filter.h"
#include "store/sql/row_errors.h"

namespace csms::postgres {

using sql::BindRecordFilter;
using sql::kRecordFilterParams;
using sql::NoStatusMeans;
using sql::ReadRecordColumns;
using sql::RecordFilterSql;

Status PgDeliveryRepository::ClaimDue(int64_t now, int64_t lease_until, const std::string& owner, int limit,
                                      std::vector<ClaimedNotification>* out) {
  // One statement (one round trip): `c` locks the due rows nobody else holds; a row among them
  // that still has a lease owner was claimed before and its outcome never saved, so `d` logs that
  // attempt as in doubt before the row is claimed again (nothing, in the usual case where no lease
  // ran out); the UPDATE claims exactly the rows `c` locked.
  return QueryMany(
      conn_,
      "WITH c AS (SELECT id, attempt_count, lease_owner IS NOT NULL AS reclaimed FROM notifications "
      "WHERE status = 'PENDING' AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT ?4 FOR UPDATE SKIP LOCKED), "
      "d AS (INSERT INTO attempts (record_id, number, time, http_status, latency_us, error, in_doubt) "
      "SELECT id, attempt_count + 1, ?1, 0, 0, ?5, 1 FROM c WHERE reclaimed ON CONFLICT DO NOTHING) "
      "UPDATE notifications n SET next_attempt_at = ?2, lease_owner = ?3, "
      "attempt_count = n.attempt_count + (CASE WHEN c.reclaimed THEN 1 ELSE 0 END), "
      "last_error = CASE WHEN c.reclaimed THEN ?5 ELSE n.last_error END FROM c WHERE n.id = c.id "
      "RETURNING n.id, n.project_id, n.event_name, n.secret_name, n.target_type, n.target_id, n.content, "
      "n.trigger_event_type, n.attempt_count, n.round_attempts, n.round_start",
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

Status PgDeliveryRepository::SaveOutcome(const std::string& owner, const DeliveryOutcome& o, bool* applied) {
  bool final = o.status != NotificationStatus::kPending;
  // attempt_count never goes back: an in-doubt attempt logged after this one (our own lease,
  // renewed by a claim while we waited) keeps its number.
  CSMS_RETURN_IF_ERROR(
      Exec(conn_,
           "UPDATE notifications SET status = ?3, attempt_count = greatest(attempt_count, ?4), round_attempts = ?5, "
           "round_start = ?6, next_attempt_at = ?7, lease_owner = NULL, last_error = ?8, final_time = ?9 "
           "WHERE id = ?1 AND lease_owner = ?2",
           [&](Statement& s) {
             s.Bind(1, o.record_id)
                 .Bind(2, owner)
                 .Bind(3, NotificationStatusName(o.status))
                 .Bind(4, o.attempt.number)
                 .Bind(5, o.round_attempts)
                 .Bind(6, o.round_start);
             final ? s.BindNullInt(7) : s.BindOpt(7, o.next_attempt_at);
             o.attempt.error.empty() ? s.BindNull(8) : s.Bind(8, o.attempt.error);
             final ? s.Bind(9, o.attempt.time) : s.BindNullInt(9);
           }));
  *applied = conn_.changes() == 1;
  if (!*applied) return Status::OK();
  return Exec(conn_,
              "INSERT INTO attempts (record_id, number, time, http_status, latency_us, error) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (record_id, number) DO UPDATE SET time = excluded.time, "
              "http_status = excluded.http_status, latency_us = excluded.latency_us, error = excluded.error, "
              "in_doubt = 0",
              [&](Statement& s) {
                s.Bind(1, o.record_id)
                    .Bind(2, o.attempt.number)
                    .Bind(3, o.attempt.time)
                    .Bind(4, o.attempt.http_status)
                    .Bind(5, o.attempt.latency_us)
                    .Bind(6, o.attempt.error);
              });
}

namespace {

// A PostgreSQL array value in its text form ({"a","b",NULL}), for a parameter the statement casts
// with ?N::text[] or ?N::bigint[] (an explicit cast from text runs the array type's own input
// function). Every element is double-quoted with `"` and `\` escaped, the form the array input
// reads back verbatim whatever the element holds (commas, braces, spaces, the word NULL); only
// std::nullopt becomes an unquoted NULL.
class ArrayText {
 public:
  void Add(std::string_view v) {
    out_ += out_.empty() ? "{\"" : ",\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out_ += '\\';
      out_ += c;
    }
    out_ += '"';
  }
  void Add(int64_t v) { Add(std::string_view(std::to_string(v))); }
  void Add(const std::optional<int64_t>& v) { v ? Add(*v) : AddNull(); }
  void AddNull() { out_ += out_.empty() ? "{NULL" : ",NULL"; }
  std::string Done() const { return out_.empty() ? "{}" : out_ + "}"; }

 private:
  std::string out_;
};

}  // namespace

Status PgDeliveryRepository::SaveOutcomes(const std::string& owner, const std::vector<DeliveryOutcome>& outcomes,
                                          std::vector<bool>* applied) {
  applied->assign(outcomes.size(), false);
  if (outcomes.empty()) return Status::OK();
  // A record twice in one batch (not something the dispatcher makes) keeps SaveOutcome's meaning
  // one at a time: the first outcome takes the lease, the second finds none.
  std::unordered_set<std::string_view> ids;
  for (const DeliveryOutcome& o : outcomes) {
    if (ids.insert(o.record_id).second) continue;
    for (size_t i = 0; i < outcomes.size(); ++i) {
      bool a = false;
      CSMS_RETURN_IF_ERROR(SaveOutcome(owner, outcomes[i], &a));
      (*applied)[i] = a;
    }
    return Status::OK();
  }
  // The same UPDATE and INSERT as SaveOutcome, each over the whole batch (one round trip): the
  // lease guard picks the rows still ours, and only their attempts go into the log. The ids are
  // COLLATE "C" like the column: compared under the array's default collation, the primary key
  // (a "C" index) could not serve the join, and every batch read the whole notification log.
  ArrayText id, status, number, round_attempts, round_start, next_attempt_at, last_error, final_time, time, http_status,
      latency_us, error;
  for (const DeliveryOutcome& o : outcomes) {
    const bool final = o.status != NotificationStatus::kPending;
    id.Add(o.record_id);
    status.Add(NotificationStatusName(o.status));
    number.Add(o.attempt.number);
    round_attempts.Add(o.round_attempts);
    round_start.Add(o.round_start);
    final ? next_attempt_at.AddNull() : next_attempt_at.Add(o.next_attempt_at);
    o.attempt.error.empty() ? last_error.AddNull() : last_error.Add(o.attempt.error);
    final ? final_time.Add(o.attempt.time) : final_time.AddNull();
    time.Add(o.attempt.time);
    http_status.Add(static_cast<int64_t>(o.attempt.http_status));
    latency_us.Add(o.attempt.latency_us);
    error.Add(o.attempt.error);
  }
  // Deferred (query.h): in the dispatcher's transaction the statement travels with the claim that
  // follows it; *applied is complete once the transaction has committed.
  auto index = std::make_shared<std::unordered_map<std::string, size_t>>();
  for (size_t i = 0; i < outcomes.size(); ++i) index->emplace(outcomes[i].record_id, i);
  return DeferQuery(
      conn_,
      "WITH o AS (SELECT x.id COLLATE \"C\" AS id, status, number, round_attempts, round_start, next_attempt_at, "
      "last_error, final_time, time, http_status, latency_us, error FROM unnest(?2::text[], ?3::text[], "
      "?4::bigint[], ?5::bigint[], ?6::bigint[], ?7::bigint[], ?8::text[], ?9::bigint[], ?10::bigint[], "
      "?11::bigint[], ?12::bigint[], ?13::text[]) AS x(id, status, number, round_attempts, round_start, "
      "next_attempt_at, last_error, final_time, time, http_status, latency_us, error)), "
      "u AS (UPDATE notifications n SET status = o.status, attempt_count = greatest(n.attempt_count, o.number), "
      "round_attempts = o.round_attempts, round_start = o.round_start, next_attempt_at = o.next_attempt_at, "
      "lease_owner = NULL, last_error = o.last_error, final_time = o.final_time "
      "FROM o WHERE n.id = o.id AND n.lease_owner = ?1 RETURNING n.id), "
      "a AS (INSERT INTO attempts (record_id, number, time, http_status, latency_us, error) "
      "SELECT o.id, o.number, o.time, o.http_status, o.latency_us, o.error FROM o JOIN u ON u.id = o.id "
      "ON CONFLICT (record_id, number) DO UPDATE SET time = excluded.time, http_status = excluded.http_status, "
      "latency_us = excluded.latency_us, error = excluded.error, in_doubt = 0) "
      "SELECT id FROM u",
      [&](Statement& s) {
        s.Bind(1, owner)
            .Bind(2, id.Done())
            .Bind(3, status.Done())
            .Bind(4, number.Done())
            .Bind(5, round_attempts.Done())
            .Bind(6, round_start.Done())
            .Bind(7, next_attempt_at.Done())
            .Bind(8, last_error.Done())
            .Bind(9, final_time.Done())
            .Bind(10, time.Done())
            .Bind(11, http_status.Done())
            .Bind(12, latency_us.Done())
            .Bind(13, error.Done());
      },
      [index, applied](Statement& s) {
        auto it = index->find(s.Text(0));
        if (it != index->end()) (*applied)[it->second] = true;
      });
}

Status PgDeliveryRepository::ReleaseAllLeases(int64_t now, int64_t* released) {
  *released = 0;
  // Each released claim may have been sent before the previous process died: its attempt goes
  // into the log as in doubt, so the record counts what the receiver may have seen.
  CSMS_RETURN_IF_ERROR(Exec(conn_,
                            "INSERT INTO attempts (record_id, number, time, http_status, latency_us, error, in_doubt) "
                            "SELECT id, attempt_count + 1, ?1, 0, 0, ?2, 1 FROM notifications "
                            "WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL AND lease_owner IS NOT NULL "
                            "ON CONFLICT DO NOTHING",
                            [&](Statement& st) { st.Bind(1, now).Bind(2, kInDoubtAfterRestart); }));
  CSMS_RETURN_IF_ERROR(Exec(conn_,
                            "UPDATE notifications SET next_attempt_at = ?1, lease_owner = NULL, "
                            "attempt_count = attempt_count + 1, last_error = ?2 "
                            "WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL AND lease_owner IS NOT NULL",
                            [&](Statement& st) { st.Bind(1, now).Bind(2, kInDoubtAfterRestart); }));
  *released = conn_.changes();
  if (*released > 0) conn_.note_outbox_due();
  return Status::OK();
}

Status PgDeliveryRepository::ReleaseLeasesOf(const std::string& owner, int64_t now, int64_t* released) {
  *released = 0;
  CSMS_RETURN_IF_ERROR(Exec(conn_,
                            "INSERT INTO attempts (record_id, number, time, http_status, latency_us, error, in_doubt) "
                            "SELECT id, attempt_count + 1, ?1, 0, 0, ?2, 1 FROM notifications "
                            "WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL AND lease_owner = ?3 "
                            "ON CONFLICT DO NOTHING",
                            [&](Statement& st) { st.Bind(1, now).Bind(2, kInDoubtAfterRestart).Bind(3, owner); }));
  CSMS_RETURN_IF_ERROR(Exec(conn_,
                            "UPDATE notifications SET next_attempt_at = ?1, lease_owner = NULL, "
                            "attempt_count = attempt_count + 1, last_error = ?2 "
                            "WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL AND lease_owner = ?3",
                            [&](Statement& st) { st.Bind(1, now).Bind(2, kInDoubtAfterRestart).Bind(3, owner); }));
  *released = conn_.changes();
  if (*released > 0) conn_.note_outbox_due();
  return Status::OK();
}

Status PgDeliveryRepository::CountPending(int64_t* count) {
  return QueryOne(
      conn_, "SELECT count(*) FROM notifications WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL", "count",
      [](Statement&) {}, [&](Statement& s) { *count = s.Int(0); });
}

Status PgDeliveryRepository::NextDueTime(std::optional<int64_t>* out) {
  // Deferred like SaveOutcomes: in the dispatcher's transaction it travels with the COMMIT.
  out->reset();
  return DeferQuery(
      conn_, "SELECT min(next_attempt_at) FROM notifications WHERE status = 'PENDING' AND next_attempt_at IS NOT NULL",
      [](Statement&) {}, [out](Statement& s) { *out = s.OptInt(0); });
}

Status PgDeliveryRepository::GetRecord(const std::string& project_id, const std::string& record_id, RecordDetail* out) {
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

Status PgDeliveryRepository::Redeliver(const std::string& project_id, const std::string& record_id, int64_t now) {
  // A notification in flight (leased) is left to its dispatcher: it is being delivered already.
  CSMS_RETURN_IF_ERROR(
      Exec(conn_,
           "UPDATE notifications SET status = 'PENDING', next_attempt_at = ?3, round_attempts = 0, round_start = NULL, "
           "final_time = NULL WHERE id = ?1 AND project_id = ?2 AND lease_owner IS NULL",
           [&](Statement& s) { s.Bind(1, record_id).Bind(2, project_id).Bind(3, now); }));
  if (conn_.changes() == 1) {
    conn_.note_outbox_due();
    return Status::OK();
  }
  return QueryOne(
      conn_, "SELECT 1 FROM notifications WHERE id = ?1 AND project_id = ?2", "notification record",
      [&](Statement& s) { s.Bind(1, record_id).Bind(2, project_id); }, [](Statement&) {});
}

Status PgDeliveryRepository::Redrive(const RecordQuery& q, int64_t now, int64_t* count) {
  // The listing's filters (record_filter.h), except that no status means FAIL and INVALID.
  static const std::string kSql =
      "UPDATE notifications SET status = 'PENDING', next_attempt_at = ?10, round_attempts = 0, round_start = NULL, "
      "final_time = NULL WHERE id IN (SELECT id FROM notifications WHERE " +
      RecordFilterSql(NoStatusMeans::kFailed) + " AND lease_owner IS NULL ORDER BY create_time DESC, id DESC LIMIT ?9)";
  static_assert(kRecordFilterParams == 8);
  Status st = Exec(conn_, kSql, [&](Statement& s) {
    BindRecordFilter(s, q);
    s.Bind(9, q.limit).Bind(10, now);
  });
  *count = st.ok() ? conn_.changes() : 0;
  if (*count > 0) conn_.note_outbox_due();
  return st;
}

Status PgDeliveryRepository::InsertWebhookSecret(const std::string& project_id, const std::string& event_name,
                                                 const WebhookSecret& w) {
  return InsertOne(conn_,
                   "INSERT INTO webhook_secrets (project_id, event_name, secret_id, sealed, create_time, expires_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                   "webhook_secrets row", [&](Statement& s) {
                     s.Bind(1, project_id)
                         .Bind(2, event_name)
                         .Bind(3, w.secret_id)
                         .BindBlob(4, w.sealed)
                         .Bind(5, w.create_time)
                         .BindOpt(6, w.expires_at);
                   });
}

Status PgDeliveryRepository::ListWebhookSecrets(const std::string& project_id, const std::string& event_name,
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

Status PgDeliveryRepository::ExpireWebhookSecrets(const std::string& project_id, const std::string& event_name,
                                                  int64_t expires_at) {
  return Exec(conn_,
              "UPDATE webhook_secrets SET expires_at = ?3 WHERE project_id = ?1 AND event_name = ?2 "
              "AND (expires_at IS NULL OR expires_at > ?3)",
              [&](Statement& s) { s.Bind(1, project_id).Bind(2, event_name).Bind(3, expires_at); });
}

Status PgDeliveryRepository::DeleteWebhookSecrets(const std::string& project_id, const std::string& event_name,
                                                  std::optional<int64_t> expired_before) {
  return Exec(conn_,
              "DELETE FROM webhook_secrets WHERE project_id = ?1 AND event_name = ?2 "
              "AND (?3 IS NULL OR (expires_at IS NOT NULL AND expires_at < ?3))",
              [&](Statement& s) { s.Bind(1, project_id).Bind(2, event_name).BindOpt(3, expired_before); });
}

}  // namespace csms::postgres
