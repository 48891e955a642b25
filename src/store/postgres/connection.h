// A thin RAII layer over one libpq connection, shaped like store/sqlite/connection.h so the
// repositories read the same: statements are written with SQLite-style `?N` placeholders (turned
// into `$N` once), prepared once per connection (under a generated name, cached by SQL text) with
// the parameter types of their first binding. Results come in binary format: text and bytea
// columns are the stored bytes, integers are big-endian.
//
// Round trips: everything is sent in libpq's pipeline mode, so what can travel together does.
// A transaction's BEGIN waits for its first statement (BeginLazily) and travels with it, a
// statement's first PREPARE travels with its first run, and statements whose results the caller
// reads only after the commit (Defer: the dispatcher's outcomes and next due time) travel with
// the next statement or with the COMMIT. A read transaction costs two round trips (BEGIN +
// query, COMMIT), a transaction that runs nothing none.
#pragma once

#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace csms::postgres {

struct Prepared {
  std::string name;    // the server-side statement name, "s<n>"
  std::string text;    // the SQL with $N placeholders
  int params = 0;      // the highest N
  bool ready = false;  // PQprepare done on this connection
};

class Connection;

class Statement {
 public:
  using RowFn = std::function<Status(Statement&)>;

  Statement(Connection& conn, Prepared* prepared);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, std::string_view text) { return Set(index, std::string(text), kText, 0); }
  Statement& Bind(int index, int64_t value) { return Set(index, std::to_string(value), kInt8, 0); }
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& BindBlob(int index, std::string_view bytes) { return Set(index, std::string(bytes), kBytea, 1); }
  template <typename T>
  Statement& BindOpt(int index, const std::optional<T>& v) {
    if (v) return Bind(index, *v);
    return std::is_integral_v<T> ? BindNullInt(index) : BindNull(index);
  }
  // A NULL is typed too (text, or bigint): the type of a parameter is fixed when the statement is
  // first prepared, and `?N IS NULL OR column = ?N` gives the server nothing to infer it from.
  Statement& BindNull(int index) { return SetNull(index, kText); }
  Statement& BindNullInt(int index) { return SetNull(index, kInt8); }

  // Runs the statement on the first call; then advances to the next row: true with a row, false
  // when done; *status set on error.
  bool Step(Status* status);
  // Runs a statement that returns no rows (or ignores them).
  Status Exec();

  std::string Text(int col) const { return std::string(TextView(col)); }
  std::string_view TextView(int col) const;
  std::string Blob(int col) const { return Text(col); }
  int64_t Int(int col) const;
  std::optional<int64_t> OptInt(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Int(col);
  }
  std::optional<std::string> OptText(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Text(col);
  }
  bool IsNull(int col) const;

 private:
  friend class Connection;
  static constexpr unsigned kText = 25, kInt8 = 20, kBytea = 17;
  Statement& Set(int index, std::string value, unsigned type, int format);
  Statement& SetNull(int index, unsigned type);
  Status Run();
  // Queues PREPARE (first use on this connection) and EXECUTE in the connection's pipeline.
  bool Send(bool* prepare_sent);
  // Takes the statement's result from the pipeline (owned from then on).
  Status Accept(PGresult* result);

  Connection& conn_;
  Prepared* prepared_;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<unsigned> types_;
  std::vector<int> formats_;
  PGresult* result_ = nullptr;
  int row_ = -1;
  bool ran_ = false;
};

class Connection {
 public:
  // Connects with a libpq connection string or URI; the password (may be empty) is passed apart.
  static Status Open(const std::string& url, const std::string& password, std::unique_ptr<Connection>* out);
  ~Connection();

  // Returns the cached statement for `sql` (SQLite-style ?N placeholders), translating it on first use.
  Status Prepare(std::string_view sql, Prepared** out);
  // Runs SQL text without parameters (several statements allowed): control statements, migrations.
  // Sends a lazy BEGIN and deferred statements first.
  Status ExecScript(std::string_view sql);

  // The transaction's opening commands (BEGIN ..., SET LOCAL ...), sent with whatever the
  // transaction sends first; none at all if it sends nothing before Commit or Rollback.
  void BeginLazily(std::vector<std::string> commands) { begin_ = std::move(commands); }
  // Runs `command` in the transaction before its next statement: with the opening commands while
  // they wait (no round trip of its own), else at once. For SET LOCAL settings (set_config(...,
  // true)): they hold until the transaction ends, so for every later statement of it too, and only
  // inside a transaction (BeginLazily first; outside one they would end with the command itself).
  Status ExecBeforeNext(const std::string& command);
  // Statements whose results may wait: Defer queues `s` (bound) and runs `row` on each of its rows
  // when it has run, which is with the next statement run, ExecScript or Commit, in one round
  // trip. A deferred statement that fails fails that call. Only where the caller reads the
  // results after the commit (allow_defer, set for the dispatcher's transactions); otherwise the
  // statement runs at once, as Step would.
  Status Defer(std::unique_ptr<Statement> s, Statement::RowFn row);
  void set_allow_defer(bool allow) { allow_defer_ = allow; }
  // Ends the transaction: COMMIT in one round trip with anything still pending; `sent` (if given)
  // runs once the COMMIT is on its way, before its answer.
  Status Commit(const std::function<void()>& sent);
  // Drops what is pending and rolls back what was sent.
  void Rollback();
  // Sends the pending BEGIN, the deferred statements, `last` (may be null) and `tail` commands in
  // one pipeline, and reads every result; the first failure is returned.
  Status RunPipeline(Statement* last, const std::vector<const char*>& tail = {},
                     const std::function<void()>& sent = nullptr);
  PGconn* pg() { return pg_; }

  // Rows changed by the last statement run.
  int64_t changes() const { return changes_; }
  void set_changes(int64_t n) { changes_ = n; }
  // A statement failed with a serialization failure or deadlock (SQLSTATE 40001 / 40P01) since
  // the flag was last cleared: the transaction must be rolled back and run again.
  bool retryable() const { return retryable_; }
  void clear_retryable() { retryable_ = false; }
  // The transaction wrote notifications that are due now: after its COMMIT the other replicas are
  // woken (outbox_notifier.h). Cleared at every BEGIN.
  void note_outbox_due() { outbox_due_ = true; }
  bool outbox_due() const { return outbox_due_; }
  void clear_outbox_due() { outbox_due_ = false; }
  // Maps a failed result to a Status (and notes retryable failures).
  Status ResultError(PGresult* result, std::string_view what);
  // The connection is dead (server gone) or left mid-pipeline: it must not go back to the pool.
  bool broken() const { return PQstatus(pg_) != CONNECTION_OK || PQpipelineStatus(pg_) != PQ_PIPELINE_OFF; }

 private:
  explicit Connection(PGconn* pg) : pg_(pg) {}
  PGconn* pg_;
  int64_t changes_ = 0;
  bool retryable_ = false;
  bool outbox_due_ = false;
  int next_name_ = 0;
  std::vector<std::string> begin_;
  bool allow_defer_ = false;
  struct Deferred {
    std::unique_ptr<Statement> statement;
    Statement::RowFn row;
  };
  std::vector<Deferred> deferred_;
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };
  std::unordered_map<std::string, std::unique_ptr<Prepared>, TextHash, std::equal_to<>> cache_;
};

// SQLite-style `?N` (and bare `?`) placeholders as PostgreSQL `$N`; *params = the highest N.
std::string TranslatePlaceholders(std::string_view sql, int* params);

}  // namespace csms::postgres
