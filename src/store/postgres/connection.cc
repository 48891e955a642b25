#include "store/postgres/connection.h"

#include <cstring>
#include <string>

#include "common/errors.h"

namespace csms::postgres {

std::string TranslatePlaceholders(std::string_view sql, int* params) {
  std::string out;
  out.reserve(sql.size() + 8);
  int max = 0;
  bool quoted = false;  // inside a '...' literal
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (c != '?' || quoted) {
      out += c;
      continue;
    }
    size_t j = i + 1;
    int n = 0;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
    if (j == i + 1) n = max + 1;  // a bare ?: the next number, as SQLite counts
    out += '$';
    out += std::to_string(n);
    if (n > max) max = n;
    i = j - 1;
  }
  *params = max;
  return out;
}

Status Connection::Open(const std::string& url, const std::string& password, std::unique_ptr<Connection>* out) {
  // expand_dbname = 1: the dbname value is a URI or connection string. libpq keeps the last value
  // of a key, so the defaults before it give way to the URL's parameters and the settings after it
  // do not. The defaults bound how long a connection whose server or network path died without a
  // word (a failover, a cut link) goes unnoticed: libpq's system defaults leave that to the
  // kernel, up to 2 hours for the outbox listener's idle connection and ~15 minutes for a write
  // waiting on its COMMIT. With these a busy connection is given up once data it sent stayed
  // unacknowledged for 30 s (a slow query is acknowledged by the server's kernel, so it is not
  // cut), an idle one about 40 s after the server last answered: keepalives start after 30 s idle,
  // and on Linux the user timeout, not keepalives_count, then ends it at the first unanswered
  // probe (tcp(7)). Only URL parameters override these: PG* environment variables and service
  // files fill only what is still unset. TCP only: a Unix socket has no such failure.
  const char* keys[] = {"connect_timeout",  "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
                        "tcp_user_timeout", "dbname",     "password",        "client_encoding",     nullptr};
  const char* values[] = {
      "10", "1", "30", "10", "3", "30000", url.c_str(), password.empty() ? nullptr : password.c_str(), "UTF8", nullptr};
  PGconn* pg = PQconnectdbParams(keys, values, 1);
  if (pg == nullptr) return errors::Unavailable("postgresql: out of memory connecting");
  if (PQstatus(pg) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(pg);
    PQfinish(pg);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return errors::Unavailable("postgresql: cannot connect: " + msg);
  }
  // Server notices ("relation ... already exists, skipping") are not for csmsd's output.
  PQsetNoticeProcessor(
      pg, [](void*, const char*) {}, nullptr);
  out->reset(new Connection(pg));
  // Every time column is epoch milliseconds (BIGINT): no session setting changes what is stored.
  return (*out)->ExecScript("SET application_name = 'csmsd'");
}

Connection::~Connection() { PQfinish(pg_); }

Status Connection::ResultError(PGresult* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state ? state : "";
  std::string msg = std::string(what) + ": " + (result ? PQresultErrorMessage(result) : PQerrorMessage(pg_));
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (code == "40001" || code == "40P01") {
    retryable_ = true;
    return errors::Unavailable("postgresql: " + msg);
  }
  if (code == "23505") return errors::NameTaken("postgresql: " + msg);
  // Data exceptions (a NUL character in a text, a number out of range): the input is refused.
  if (code.size() == 5 && code.compare(0, 2, "22") == 0) return errors::InvalidParameter("postgresql: " + msg);
  if (code.empty() || code.compare(0, 2, "08") == 0 || code.compare(0, 2, "57") == 0) {
    return errors::Unavailable("postgresql: " + msg);  // connection lost, server shutting down
  }
  return errors::Internal("postgresql: " + msg);
}

Status Connection::Prepare(std::string_view sql, Prepared** out) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    *out = it->second.get();
    return Status::OK();
  }
  auto p = std::make_unique<Prepared>();
  p->name = "s" + std::to_string(next_name_++);
  p->text = TranslatePlaceholders(sql, &p->params);
  *out = p.get();
  cache_.emplace(std::string(sql), std::move(p));
  return Status::OK();
}

Status Connection::ExecScript(std::string_view sql) {
  if (!begin_.empty() || !deferred_.empty()) CSMS_RETURN_IF_ERROR(RunPipeline(nullptr));
  std::string text(sql);
  PGresult* r = PQexec(pg_, text.c_str());
  ExecStatusType st = PQresultStatus(r);
  Status s;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) s = ResultError(r, "exec");
  PQclear(r);
  return s;
}

Status Connection::ExecBeforeNext(const std::string& command) {
  if (begin_.empty()) return ExecScript(command);
  begin_.push_back(command);
  return Status::OK();
}

Status Connection::Defer(std::unique_ptr<Statement> s, Statement::RowFn row) {
  if (!allow_defer_) {
    Status st;
    while (s->Step(&st)) CSMS_RETURN_IF_ERROR(row(*s));
    return st;
  }
  deferred_.push_back(Deferred{std::move(s), std::move(row)});
  return Status::OK();
}

Status Connection::Commit(const std::function<void()>& sent) {
  if (deferred_.empty() && !begin_.empty()) {
    begin_.clear();  // nothing was sent: there is nothing to commit
    if (sent) sent();
    return Status::OK();
  }
  return RunPipeline(nullptr, {"COMMIT"}, sent);
}

void Connection::Rollback() {
  deferred_.clear();
  if (!begin_.empty()) {
    begin_.clear();
    return;
  }
  PQclear(PQexec(pg_, "ROLLBACK"));
}

Status Connection::RunPipeline(Statement* last, const std::vector<const char*>& tail,
                               const std::function<void()>& sent) {
  // What was queued, in order; each item's results end with a NULL from PQgetResult.
  struct Item {
    Statement* statement = nullptr;  // null: a command or a PREPARE
    Prepared* prepared = nullptr;    // a PREPARE of this statement text
  };
  std::vector<Item> items;
  std::vector<Deferred> deferred;
  deferred.swap(deferred_);
  std::vector<std::string> begin;
  begin.swap(begin_);
  if (PQenterPipelineMode(pg_) != 1) return ResultError(nullptr, "pipeline");
  bool queued = true;
  auto command = [&](const char* sql) {
    queued = queued && PQsendQueryParams(pg_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    items.push_back(Item{});
  };
  auto statement = [&](Statement* st) {
    bool prepare = false;
    queued = queued && st->Send(&prepare);
    if (prepare) items.push_back(Item{nullptr, st->prepared_});
    items.push_back(Item{st, nullptr});
  };
  for (const std::string& b : begin) command(b.c_str());
  for (Deferred& d : deferred) statement(d.statement.get());
  if (last) statement(last);
  for (const char* t : tail) command(t);
  queued = queued && PQpipelineSync(pg_) == 1;
  if (queued && PQflush(pg_) != 0) queued = false;
  if (!queued) {
    Status s = ResultError(nullptr, "send");
    return s;  // the connection is left in pipeline mode: broken(), not reused
  }
  if (sent) sent();
  Status first;
  size_t index = 0;
  for (;;) {
    PGresult* r = PQgetResult(pg_);
    if (r == nullptr) {
      if (PQstatus(pg_) != CONNECTION_OK || ++index > items.size()) {
        if (first.ok()) first = ResultError(nullptr, "pipeline");
        return first;
      }
      continue;
    }
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      break;
    }
    if (index >= items.size()) {  // not something this pipeline sent
      PQclear(r);
      continue;
    }
    Item& item = items[index];
    if (item.statement) {
      Status s = item.statement->Accept(r);  // takes r
      if (first.ok() && !s.ok()) first = s;
    } else {
      if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (item.prepared) item.prepared->ready = true;
      } else if (st != PGRES_PIPELINE_ABORTED && first.ok()) {
        first = ResultError(r, item.prepared ? "prepare" : "exec");
      }
      PQclear(r);
    }
  }
  if (PQexitPipelineMode(pg_) != 1 && first.ok()) first = ResultError(nullptr, "pipeline");
  // The deferred statements' rows, in the order they were sent.
  for (Deferred& d : deferred) {
    if (!first.ok()) break;
    Status st;
    while (d.statement->Step(&st)) {
      st = d.row(*d.statement);
      if (!st.ok()) break;
    }
    if (!st.ok()) first = st;
  }
  return first;
}

Statement::Statement(Connection& conn, Prepared* prepared)
    : conn_(conn),
      prepared_(prepared),
      values_(prepared->params),
      null_(prepared->params, true),
      types_(prepared->params, kText),
      formats_(prepared->params, 0) {}

Statement::~Statement() {
  if (result_) PQclear(result_);
}

Statement& Statement::Set(int index, std::string value, unsigned type, int format) {
  if (index < 1 || index > prepared_->params) return *this;  // a parameter the text does not use
  values_[index - 1] = std::move(value);
  null_[index - 1] = false;
  types_[index - 1] = type;
  formats_[index - 1] = format;
  return *this;
}

Statement& Statement::SetNull(int index, unsigned type) {
  if (index < 1 || index > prepared_->params) return *this;
  null_[index - 1] = true;
  types_[index - 1] = type;
  return *this;
}

Status Statement::Run() { return conn_.RunPipeline(this); }

bool Statement::Send(bool* prepare_sent) {
  ran_ = true;
  const int n = prepared_->params;
  *prepare_sent = false;
  if (!prepared_->ready) {
    // Types of the first binding; a number the text skips (record pages use a subset) is text so
    // the server need not guess.
    std::vector<Oid> types(n);
    for (int i = 0; i < n; ++i) types[i] = types_[i];
    if (PQsendPrepare(conn_.pg(), prepared_->name.c_str(), prepared_->text.c_str(), n, types.data()) != 1) {
      return false;
    }
    *prepare_sent = true;
  }
  std::vector<const char*> values(n);
  std::vector<int> lengths(n);
  for (int i = 0; i < n; ++i) {
    values[i] = null_[i] ? nullptr : values_[i].data();
    lengths[i] = static_cast<int>(values_[i].size());
  }
  return PQsendQueryPrepared(conn_.pg(), prepared_->name.c_str(), n, values.data(), lengths.data(), formats_.data(),
                             /*resultFormat=*/1) == 1;
}

Status Statement::Accept(PGresult* result) {
  if (result_) PQclear(result_);
  result_ = result;
  row_ = -1;
  ExecStatusType st = PQresultStatus(result_);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    conn_.set_changes(0);
    // A statement after a failed one in the same pipeline did not run: the failure is reported.
    if (st == PGRES_PIPELINE_ABORTED) return errors::Internal("postgresql: statement not run (pipeline aborted)");
    return conn_.ResultError(result_, "query");
  }
  const char* tuples = PQcmdTuples(result_);
  conn_.set_changes(tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0);
  return Status::OK();
}

bool Statement::Step(Status* status) {
  if (!ran_) {
    Status s = Run();
    if (!s.ok()) {
      *status = s;
      return false;
    }
  }
  ++row_;
  return row_ < PQntuples(result_);
}

Status Statement::Exec() {
  if (ran_) return Status::OK();
  return Run();
}

std::string_view Statement::TextView(int col) const {
  if (PQgetisnull(result_, row_, col)) return {};
  return std::string_view(PQgetvalue(result_, row_, col), PQgetlength(result_, row_, col));
}

int64_t Statement::Int(int col) const {
  if (PQgetisnull(result_, row_, col)) return 0;
  const auto* p = reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row_, col));
  int len = PQgetlength(result_, row_, col);
  uint64_t v = 0;
  for (int i = 0; i < len; ++i) v = (v << 8) | p[i];
  // Sign-extend the 2- and 4-byte integers (smallint, integer); 1 byte is a boolean.
  if (len == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  if (len == 2) return static_cast<int16_t>(static_cast<uint16_t>(v));
  return static_cast<int64_t>(v);
}

bool Statement::IsNull(int col) const { return PQgetisnull(result_, row_, col) != 0; }

}  // namespace csms::postgres
