// PostgreSQL storage of notification delivery. The delivery state of a PENDING notification lives
// in the narrow `outbox` row beside its record (schema.cc, migration 3; decision 127): the claim
// and a retry write only that row (two indexes), so the record row and its 11 indexes are written
// twice in a delivery's life, by the trigger's insert and by the final outcome. The dispatcher's
// hot path is ClaimDue (one statement: an UPDATE ... RETURNING of the outbox rows it locks through
// outbox_due, beside an INSERT that logs reclaimed leases as in-doubt attempts, joined to the
// records for their content) and SaveOutcomes (one statement per batch: a retry updates its outbox
// row, a final outcome deletes it and updates the record, both guarded by the lease, and an INSERT
// into the attempt log over the batch's rows, passed as arrays), batched by the caller into few
// transactions. SaveOutcomes and NextDueTime are deferred (query.h, DeferQuery): in the
// dispatcher's WriteRelaxed transaction they travel with the next statement or the COMMIT, so a
// pass (save, claim, next due time, commit) costs two round trips; their results are filled in by
// the time the transaction has committed.
#include <limits>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/errors.h"
#include "store/postgres/dialect.h"
#include "store/postgres/query.h"
#include "store/postgres/repositories.h"
#include "store/sql/record_columns.h"
#include "store/sql/record_page.h"
#include "store/sql/row_errors.h"

namespace csms::postgres {

using sql::BindRecordPage;
using sql::NoStatusMeans;
using sql::ReadRecordColumns;
using sql::RecordPageSql;

Status PgDeliveryRepository::ClaimDue(int64_t now, int64_t lease_until, const std::string& owner, int limit,
                                      std::vector<ClaimedNotification>* out) {
  // One statement (one round trip): `c` locks the due outbox rows nobody else holds; a row among
  // them that still has a lease owner was claimed before and its outcome never saved, so `u`
  // counts that attempt and `d` logs it as in doubt (nothing, in the usual case where no lease ran
  // out); `u` claims exactly the rows `c` locked. Only the outbox is written; the records give
  // their content by primary key (a nested loop: the only join the dispatcher's transactions
  // allow, postgres_store.cc).
  return QueryMany(
      conn_,
      "WITH c AS (SELECT id, lease_owner IS NOT NULL AS reclaimed FROM outbox WHERE next_attempt_at <= ?1 "
      "ORDER BY next_attempt_at LIMIT ?4 FOR UPDATE SKIP LOCKED), "
      "u AS (UPDATE outbox o SET next_attempt_at = ?2, lease_owner = ?3, "
      "attempt_count = o.attempt_count + (CASE WHEN c.reclaimed THEN 1 ELSE 0 END), "
      "last_error = CASE WHEN c.reclaimed THEN ?5 ELSE o.last_error END FROM c WHERE o.id = c.id "
      "RETURNING o.id, o.attempt_count, o.round_attempts, o.round_start, c.reclaimed), "
      "d AS (INSERT INTO attempts (record_id, number, time, http_status, latency_us, error, in_doubt) "
      "SELECT id, attempt_count, ?1, 0, 0, ?5, 1 FROM u WHERE reclaimed ON CONFLICT DO NOTHING) "
      "SELECT n.id, n.project_id, n.event_name, n.secret_name, n.target_type, n.target_id, n.content, "
      "n.trigger_event_type, u.attempt_count, u.round_attempts, u.round_start FROM u JOIN notifications n ON n.id = "
      "u.id",
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

// The outcomes of a batch (no record twice) in one statement: `o` unnests them; `k` (a retry:
// still PENDING, due again at some time) updates the outbox row, `f` (a final outcome, or PENDING
// with no due time) deletes it, both guarded by the lease; `u` writes the outcome into the record
// of each row `f` took (with the attempt count the outbox row held), and `a` logs the attempt of
// each outcome `k` or `f` took. Returns the ids of the outcomes stored. Each of `k`, `f` and `u`
// joins the batch to one table by its primary key, and nothing else is joined: `u` and `a` read
// what `k` and `f` return (joined to `o` again, `u` was planned as a nested loop over the whole
// batch for each row), and the dispatcher's transactions allow only nested loops (postgres_store.cc).
// The ids are COLLATE "C" like the columns: compared under the array's default collation, the
// primary keys (a "C" index) could not serve the joins, and every batch read the whole table.
constexpr std::string_view kSaveOutcomesSql =
    "WITH o AS (SELECT x.id COLLATE \"C\" AS id, status, number, round_attempts, round_start, next_attempt_at, "
    "last_error, final_time, time, http_status, latency_us, error, "
    "(status = 'PENDING' AND next_attempt_at IS NOT NULL) AS retry FROM unnest(?2::text[], ?3::text[], "
    "?4::bigint[], ?5::bigint[], ?6::bigint[], ?7::bigint[], ?8::text[], ?9::bigint[], ?10::bigint[], "
    "?11::bigint[], ?12::bigint[], ?13::text[]) AS x(id, status, number, round_attempts, round_start, "
    "next_attempt_at, last_error, final_time, time, http_status, latency_us, error)), "
    "k AS (UPDATE outbox b SET next_attempt_at = o.next_attempt_at, lease_owner = NULL, "
    "attempt_count = greatest(b.attempt_count, o.number), round_attempts = o.round_attempts, "
    "round_start = o.round_start, last_error = o.last_error "
    "FROM o WHERE b.id = o.id AND b.lease_owner = ?1 AND o.retry "
    "RETURNING b.id, o.number, o.time, o.http_status, o.latency_us, o.error), "
    "f AS (DELETE FROM outbox b USING o WHERE b.id = o.id AND b.lease_owner = ?1 AND NOT o.retry "
    "RETURNING b.id, greatest(b.attempt_count, o.number) AS attempt_count, o.status, o.round_attempts, "
    "o.round_start, o.next_attempt_at, o.last_error, o.final_time, o.number, o.time, o.http_status, o.latency_us, "
    "o.error), "
    "u AS (UPDATE notifications n SET status = f.status, attempt_count = f.attempt_count, "
    "round_attempts = f.round_attempts, round_start = f.round_start, next_attempt_at = f.next_attempt_at, "
    "lease_owner = NULL, last_error = f.last_error, final_time = f.final_time FROM f WHERE n.id = f.id), "
    "s AS (SELECT id, number, time, http_status, latency_us, error FROM k UNION ALL "
    "SELECT id, number, time, http_status, latency_us, error FROM f), "
    "a AS (INSERT INTO attempts (record_id, number, time, http_status, latency_us, error) "
    "SELECT id, number, time, http_status, latency_us, error FROM s "
    "ON CONFLICT (record_id, number) DO UPDATE SET time = excluded.time, http_status = excluded.http_status, "
    "latency_us = excluded.latency_us, error = excluded.error, in_doubt = 0) "
    "SELECT id FROM s";

}  // namespace

Status PgDeliveryRepository::SaveOutcome(const std::string& owner, const DeliveryOutcome& o, bool* applied) {
  std::vector<bool> one;
  CSMS_RETURN_IF_ERROR(SaveBatch(owner, {o}, /*defer=*/false, &one));
  *applied = one[0];
  return Status::OK();
}

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
  // Deferred (query.h): in the dispatcher's transaction the statement travels with the claim that
  // follows it; *applied is complete once the transaction has committed.
  return SaveBatch(owner, outcomes, /*defer=*/true, applied);
}

Status PgDeliveryRepository::SaveBatch(const std::string& owner, const std::vector<DeliveryOutcome>& outcomes,
                                       bool defer, std::vector<bool>* applied) {
  applied->assign(outcomes.size(), false);
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
  auto bind = [&](Statement& s) {
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
  };
  auto index = std::make_shared<std::unordered_map<std::string, size_t>>();
  for (size_t i = 0; i < outcomes.size(); ++i) index->emplace(outcomes[i].record_id, i);
  auto row = [index, applied](Statement& s) {
    auto it = index->find(s.Text(0));
    if (it != index->end()) (*applied)[it->second] = true;
  };
  if (defer) return DeferQuery(conn_, kSaveOutcomesSql, bind, row);
  return QueryMany(conn_, kSaveOutcomesSql, bind, row);
}

namespace {

// Ends the leases `where` picks (a condition on the outbox row; ?3 is free for it): each released
// claim may have been sent before its process died, so its attempt is counted and goes into the
// log as in doubt, and the notification is due at `now`. One statement; *released = how many.
Status ReleaseLeases(Connection& conn, const std::string& where, int64_t now, const std::string* owner,
                     int64_t* released) {
  *released = 0;
  const std::string sql =
      "WITH r AS (UPDATE outbox SET next_attempt_at = ?1, lease_owner = NULL, attempt_count = attempt_count + 1, "
      "last_error = ?2 WHERE " +
      where +
      " RETURNING id, attempt_count), "
      "d AS (INSERT INTO attempts (record_id, number, time, http_status, latency_us, error, in_doubt) "
      "SELECT id, attempt_count, ?1, 0, 0, ?2, 1 FROM r ON CONFLICT DO NOTHING) "
      "SELECT count(*) FROM r";
  CSMS_RETURN_IF_ERROR(QueryOne(
      conn, sql, "count",
      [&](Statement& st) {
        st.Bind(1, now).Bind(2, kInDoubtAfterRestart);
        if (owner) st.Bind(3, *owner);
      },
      [&](Statement& s) { *released = s.Int(0); }));
  if (*released > 0) conn.note_outbox_due();
  return Status::OK();
}

}  // namespace

Status PgDeliveryRepository::ReleaseAllLeases(int64_t now, int64_t* released) {
  return ReleaseLeases(conn_, "lease_owner IS NOT NULL", now, nullptr, released);
}

Status PgDeliveryRepository::ReleaseLeasesOf(const std::string& owner, int64_t now, int64_t* released) {
  return ReleaseLeases(conn_, "lease_owner = ?3", now, &owner, released);
}

Status PgDeliveryRepository::CountPending(int64_t* count) {
  return QueryOne(
      conn_, "SELECT count(*) FROM outbox", "count", [](Statement&) {}, [&](Statement& s) { *count = s.Int(0); });
}

Status PgDeliveryRepository::NextDueTime(std::optional<int64_t>* out) {
  // Deferred like SaveOutcomes: in the dispatcher's transaction it travels with the COMMIT.
  out->reset();
  return DeferQuery(
      conn_, "SELECT min(next_attempt_at) FROM outbox", [](Statement&) {}, [out](Statement& s) { *out = s.OptInt(0); });
}

Status PgDeliveryRepository::GetRecord(const std::string& project_id, const std::string& record_id, RecordDetail* out) {
  // A PENDING record's delivery state is its outbox row's, when it has one.
  CSMS_RETURN_IF_ERROR(QueryOne(
      conn_,
      "SELECT n.id, n.project_id, n.event_name, n.trigger_event_type, n.create_time, n.secret_name, n.secret_type, "
      "n.target_type, n.target_id, n.target_name, n.content, n.status, n.secret_id, n.sequence, "
      "coalesce(o.next_attempt_at, n.next_attempt_at), coalesce(o.attempt_count, n.attempt_count), n.final_time, "
      "CASE WHEN o.id IS NULL THEN n.last_error ELSE o.last_error END "
      "FROM notifications n LEFT JOIN outbox o ON o.id = n.id WHERE n.id = ?1 AND n.project_id = ?2",
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

namespace {

// Redeliver and Redrive after the records `t` picks (id, attempt_count, last_error; `due` is the
// parameter with the new due time): each gets an outbox row due then, in a new round, unless it
// has one under a lease (in flight: left to its dispatcher); then those records become PENDING.
// The outbox row is written first, so a concurrent claim or outcome of the same record waits for
// it (or it for them) on that row.
std::string RedeliverSql(const std::string& t, const char* due) {
  return "WITH t AS (" + t + "), o AS (INSERT INTO outbox (id, next_attempt_at, attempt_count, last_error) " +
         "SELECT id, " + due +
         ", attempt_count, last_error FROM t ON CONFLICT (id) DO UPDATE SET next_attempt_at = "
         "excluded.next_attempt_at, round_attempts = 0, round_start = NULL WHERE outbox.lease_owner IS NULL "
         "RETURNING id) "
         "UPDATE notifications n SET status = 'PENDING', next_attempt_at = " +
         due + ", round_attempts = 0, round_start = NULL, final_time = NULL FROM o WHERE n.id = o.id";
}

}  // namespace

Status PgDeliveryRepository::Redeliver(const std::string& project_id, const std::string& record_id, int64_t now) {
  // A notification in flight (leased) is left to its dispatcher: it is being delivered already.
  static const std::string kSql =
      RedeliverSql("SELECT id, attempt_count, last_error FROM notifications WHERE id = ?1 AND project_id = ?2", "?3");
  CSMS_RETURN_IF_ERROR(Exec(conn_, kSql, [&](Statement& s) { s.Bind(1, record_id).Bind(2, project_id).Bind(3, now); }));
  if (conn_.changes() == 1) {
    conn_.note_outbox_due();
    return Status::OK();
  }
  return QueryOne(
      conn_, "SELECT 1 FROM notifications WHERE id = ?1 AND project_id = ?2", "notification record",
      [&](Statement& s) { s.Bind(1, record_id).Bind(2, project_id); }, [](Statement&) {});
}

Status PgDeliveryRepository::Redrive(const RecordQuery& q, int64_t now, int64_t* count) {
  // The page the listing shows for the same filters (record_page.h), except that no status means
  // FAIL and INVALID: O(limit) like the page, under the same planner settings.
  const std::string sql = RedeliverSql(
      "SELECT id, attempt_count, last_error FROM notifications WHERE id IN (SELECT id FROM (" +
          RecordPageSql(q, Dialect::kRecordPageWalks, NoStatusMeans::kFailed) +
          ") p) AND NOT EXISTS (SELECT 1 FROM outbox b WHERE b.id = notifications.id AND b.lease_owner IS NOT NULL)",
      "?9");
  CSMS_RETURN_IF_ERROR(Dialect::BeforeRecordPage(conn_));
  Status st = Exec(conn_, sql, [&](Statement& s) {
    BindRecordPage(s, q);
    s.Bind(9, now);
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
