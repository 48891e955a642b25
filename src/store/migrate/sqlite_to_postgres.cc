#include "store/migrate/sqlite_to_postgres.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "common/errors.h"
#include "common/module_abi.h"
#include "common/module_loader.h"
#include "store/postgres/connection.h"

namespace csms::migrate {
namespace {

// Bookkeeping of each engine's migrations: not data, and numbered differently on each side.
const std::set<std::string> kNotCopied = {"schema_version"};
// Tables whose rows a freshly migrated PostgreSQL database already holds (the migrations insert
// them): replaced by the source's rows instead of making the target count as non-empty.
const std::set<std::string> kSeededByMigrations = {"token_revocations"};
// PostgreSQL-only tables derived from copied ones, filled after the copy: the outbox holds the
// delivery state of every PENDING notification that is due at some time (decision 127), with the
// lease state SQLite's row had (a lease a stopped SQLite server held runs out like any other).
constexpr char kOutboxRows[] = "status = 'PENDING' AND next_attempt_at IS NOT NULL";
const std::set<std::string> kDerived = {"outbox"};
// Bytes handed to PQputCopyData at once.
constexpr size_t kCopyChunk = 1 << 20;

struct Column {
  std::string name;
  bool bytea = false;
};

struct SqliteDb {
  sqlite3* db = nullptr;
  ~SqliteDb() {
    if (db) sqlite3_close(db);
  }
  Status Error(const std::string& what) const {
    return errors::Internal("sqlite: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
  }
  Status Exec(const std::string& sql) const {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return Status::OK();
    std::string msg = err ? err : "";
    sqlite3_free(err);
    return errors::Internal("sqlite: " + sql + ": " + msg);
  }
};

// A prepared SQLite statement, finalized when it goes away.
struct SqliteStmt {
  sqlite3_stmt* stmt = nullptr;
  ~SqliteStmt() {
    if (stmt) sqlite3_finalize(stmt);
  }
  Status Prepare(const SqliteDb& db, const std::string& sql) {
    if (sqlite3_prepare_v2(db.db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return db.Error(sql);
    return Status::OK();
  }
  std::string Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt, col);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt, col)) : std::string();
  }
};

std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string ColumnList(const std::vector<Column>& columns) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) out += (i ? ", " : "") + QuoteIdent(columns[i].name);
  return out;
}

Status SqliteTables(const SqliteDb& db, std::set<std::string>* out) {
  SqliteStmt s;
  CSMS_RETURN_IF_ERROR(
      s.Prepare(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"));
  int rc;
  while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) out->insert(s.Text(0));
  return rc == SQLITE_DONE ? Status::OK() : db.Error("listing tables");
}

Status SqliteColumns(const SqliteDb& db, const std::string& table, std::vector<std::string>* out) {
  SqliteStmt s;
  CSMS_RETURN_IF_ERROR(s.Prepare(db, "SELECT name FROM pragma_table_info(?1)"));
  sqlite3_bind_text(s.stmt, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) out->push_back(s.Text(0));
  return rc == SQLITE_DONE ? Status::OK() : db.Error("columns of " + table);
}

// The rows of `table` (those matching `where`, if given).
Status SqliteCount(const SqliteDb& db, const std::string& table, int64_t* out, const std::string& where = "") {
  SqliteStmt s;
  CSMS_RETURN_IF_ERROR(
      s.Prepare(db, "SELECT count(*) FROM " + QuoteIdent(table) + (where.empty() ? "" : " WHERE ") + where));
  if (sqlite3_step(s.stmt) != SQLITE_ROW) return db.Error("counting " + table);
  *out = sqlite3_column_int64(s.stmt, 0);
  return Status::OK();
}

Status PgCount(postgres::Connection& pg, const std::string& table, int64_t* out) {
  postgres::Prepared* p = nullptr;
  CSMS_RETURN_IF_ERROR(pg.Prepare("SELECT count(*) FROM " + QuoteIdent(table), &p));
  postgres::Statement s(pg, p);
  Status st;
  if (!s.Step(&st)) return st.ok() ? errors::Internal("postgresql: no count of " + table) : st;
  *out = s.Int(0);
  return Status::OK();
}

// The tables of the target's schema, each with its columns in order.
Status PgSchema(postgres::Connection& pg, std::map<std::string, std::vector<Column>>* out) {
  postgres::Prepared* p = nullptr;
  CSMS_RETURN_IF_ERROR(
      pg.Prepare("SELECT c.relname::text, a.attname::text, (a.atttypid = 'bytea'::regtype)::int::bigint "
                 "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                 "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname, a.attnum",
                 &p));
  postgres::Statement s(pg, p);
  Status st;
  while (s.Step(&st)) (*out)[s.Text(0)].push_back(Column{s.Text(1), s.Int(2) != 0});
  return st;
}

// Parent → child edges of the target's foreign keys.
Status PgForeignKeys(postgres::Connection& pg, std::vector<std::pair<std::string, std::string>>* out) {
  postgres::Prepared* p = nullptr;
  CSMS_RETURN_IF_ERROR(pg.Prepare(
      "SELECT parent.relname::text, child.relname::text FROM pg_constraint k "
      "JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid "
      "JOIN pg_namespace n ON n.oid = child.relnamespace WHERE k.contype = 'f' AND n.nspname = current_schema()",
      &p));
  postgres::Statement s(pg, p);
  Status st;
  while (s.Step(&st)) out->emplace_back(s.Text(0), s.Text(1));
  return st;
}

// `tables` ordered so that every parent comes before its children (ties by name).
Status DependencyOrder(const std::set<std::string>& tables, const std::vector<std::pair<std::string, std::string>>& fks,
                       std::vector<std::string>* out) {
  std::map<std::string, std::set<std::string>> parents;
  for (const auto& t : tables) parents[t];
  for (const auto& [parent, child] : fks) {
    if (tables.count(parent) && tables.count(child) && parent != child) parents[child].insert(parent);
  }
  while (!parents.empty()) {
    auto it = std::find_if(parents.begin(), parents.end(), [](const auto& e) { return e.second.empty(); });
    if (it == parents.end()) return errors::Internal("the target's foreign keys form a cycle");
    std::string t = it->first;
    out->push_back(t);
    parents.erase(it);
    for (auto& [child, ps] : parents) ps.erase(t);
  }
  return Status::OK();
}

// One value in COPY's text format: \N for NULL, bytea as \\x<hex>, text with its backslash,
// tab, newline and carriage return escaped.
void AppendCopyValue(sqlite3_stmt* row, int col, bool bytea, std::string* out) {
  int type = sqlite3_column_type(row, col);
  if (type == SQLITE_NULL) {
    *out += "\\N";
    return;
  }
  if (bytea) {
    static const char kHex[] = "0123456789abcdef";
    const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(row, col));
    int n = sqlite3_column_bytes(row, col);
    *out += "\\\\x";
    for (int i = 0; i < n; ++i) {
      *out += kHex[p[i] >> 4];
      *out += kHex[p[i] & 15];
    }
    return;
  }
  if (type == SQLITE_INTEGER) {
    *out += std::to_string(sqlite3_column_int64(row, col));
    return;
  }
  if (type == SQLITE_FLOAT) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(row, col));
    *out += buf;
    return;
  }
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(row, col));
  int n = sqlite3_column_bytes(row, col);
  for (int i = 0; i < n; ++i) {
    switch (p[i]) {
      case '\\':
        *out += "\\\\";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      default:
        *out += p[i];
    }
  }
}

Status PgCopyResult(postgres::Connection& pg, const std::string& table) {
  Status s;
  while (PGresult* r = PQgetResult(pg.pg())) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && s.ok()) s = pg.ResultError(r, "copying " + table);
    PQclear(r);
  }
  return s;
}

// Streams every row of `table` (the given columns) from SQLite into PostgreSQL with COPY.
Status CopyTable(const SqliteDb& db, postgres::Connection& pg, const std::string& table,
                 const std::vector<Column>& columns) {
  SqliteStmt rows;
  std::string select = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i) select += (i ? ", " : "") + QuoteIdent(columns[i].name);
  CSMS_RETURN_IF_ERROR(rows.Prepare(db, select + " FROM " + QuoteIdent(table)));

  std::string copy = "COPY " + QuoteIdent(table) + " (" + ColumnList(columns) + ") FROM STDIN";
  PGresult* r = PQexec(pg.pg(), copy.c_str());
  if (PQresultStatus(r) != PGRES_COPY_IN) {
    Status s = pg.ResultError(r, copy);
    PQclear(r);
    return s;
  }
  PQclear(r);
  std::string buf;
  Status failed;
  int rc;
  while ((rc = sqlite3_step(rows.stmt)) == SQLITE_ROW) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i) buf += '\t';
      AppendCopyValue(rows.stmt, static_cast<int>(i), columns[i].bytea, &buf);
    }
    buf += '\n';
    if (buf.size() >= kCopyChunk) {
      if (PQputCopyData(pg.pg(), buf.data(), static_cast<int>(buf.size())) != 1) break;
      buf.clear();
    }
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) failed = db.Error("reading " + table);
  if (failed.ok() && !buf.empty()) PQputCopyData(pg.pg(), buf.data(), static_cast<int>(buf.size()));
  PQputCopyEnd(pg.pg(), failed.ok() ? nullptr : "the source could not be read");
  Status s = PgCopyResult(pg, table);
  return failed.ok() ? s : failed;
}

Status SourceMasterKeys(const SqliteDb& db, const std::set<std::string>& tables, std::vector<std::string>* out) {
  if (!tables.count("master_key_versions")) return Status::OK();
  SqliteStmt s;
  CSMS_RETURN_IF_ERROR(
      s.Prepare(db, "SELECT version, provider, fingerprint, state FROM master_key_versions ORDER BY version"));
  int rc;
  while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
    out->push_back("version=" + s.Text(0) + " provider=" + s.Text(1) + " fingerprint=" + s.Text(2) +
                   " state=" + s.Text(3));
  }
  if (rc != SQLITE_DONE) return db.Error("reading master_key_versions");
  if (!tables.count("kms_keys")) return Status::OK();
  SqliteStmt k;
  CSMS_RETURN_IF_ERROR(k.Prepare(db, "SELECT key_id, alias FROM kms_keys ORDER BY key_id"));
  while ((rc = sqlite3_step(k.stmt)) == SQLITE_ROW) out->push_back("key_id=" + k.Text(0) + " alias=" + k.Text(1));
  return rc == SQLITE_DONE ? Status::OK() : db.Error("reading kms_keys");
}

// Everything after BEGIN: a failure rolls the whole transaction back (the caller).
Status CopyInTransaction(const SqliteDb& db, postgres::Connection& pg, CopyReport* report) {
  std::set<std::string> source_tables;
  CSMS_RETURN_IF_ERROR(SqliteTables(db, &source_tables));
  std::map<std::string, std::vector<Column>> target;
  CSMS_RETURN_IF_ERROR(PgSchema(pg, &target));
  if (!target.count("schema_version")) return errors::Internal("the target has no csms schema (not migrated)");

  // What to copy: the tables both have, with the source's columns (each must exist in the target).
  std::set<std::string> common;
  std::map<std::string, std::vector<Column>> columns;
  for (const auto& t : source_tables) {
    if (kNotCopied.count(t)) continue;
    int64_t rows = 0;
    auto it = target.find(t);
    if (it == target.end()) {
      CSMS_RETURN_IF_ERROR(SqliteCount(db, t, &rows));
      if (rows > 0) {
        return errors::Internal("table " + t + " has " + std::to_string(rows) +
                                " rows in the source and no counterpart in PostgreSQL: this csmsd cannot migrate it");
      }
      report->empty_source.push_back(t);
      continue;
    }
    std::vector<std::string> names;
    CSMS_RETURN_IF_ERROR(SqliteColumns(db, t, &names));
    for (const auto& name : names) {
      auto col = std::find_if(it->second.begin(), it->second.end(), [&](const Column& c) { return c.name == name; });
      if (col == it->second.end()) {
        return errors::Internal("column " + t + "." + name + " of the source has no counterpart in PostgreSQL");
      }
      columns[t].push_back(*col);
    }
    common.insert(t);
  }
  for (const auto& [t, cols] : target) {
    if (!common.count(t) && !kNotCopied.count(t) && !kDerived.count(t)) report->only_target.push_back(t);
  }

  // The target must be empty: no row in any table to be copied but those the migrations seed.
  std::string occupied;
  for (const auto& t : common) {
    if (kSeededByMigrations.count(t)) continue;
    int64_t rows = 0;
    CSMS_RETURN_IF_ERROR(PgCount(pg, t, &rows));
    if (rows > 0) occupied += (occupied.empty() ? "" : ", ") + t + " (" + std::to_string(rows) + " rows)";
  }
  if (!occupied.empty()) {
    return errors::InvalidParameter(
        "the target database is not empty: " + occupied +
        ". Migrate into a new, empty database (createdb), before any csmsd has started on it");
  }

  std::vector<std::pair<std::string, std::string>> fks;
  CSMS_RETURN_IF_ERROR(PgForeignKeys(pg, &fks));
  std::vector<std::string> order;
  CSMS_RETURN_IF_ERROR(DependencyOrder(common, fks, &order));

  // The source's derived rows (counters, generations) are copied as they are: the target's
  // triggers must not compute them a second time. Foreign keys stay checked (they are not USER
  // triggers). Both statements are transactional: a failed copy leaves the triggers enabled.
  for (const auto& t : order)
    CSMS_RETURN_IF_ERROR(pg.ExecScript("ALTER TABLE " + QuoteIdent(t) + " DISABLE TRIGGER USER"));
  for (const auto& t : order) {
    if (kSeededByMigrations.count(t)) CSMS_RETURN_IF_ERROR(pg.ExecScript("DELETE FROM " + QuoteIdent(t)));
    CSMS_RETURN_IF_ERROR(CopyTable(db, pg, t, columns[t]));
  }
  for (const auto& t : order)
    CSMS_RETURN_IF_ERROR(pg.ExecScript("ALTER TABLE " + QuoteIdent(t) + " ENABLE TRIGGER USER"));
  const bool fill_outbox = target.count("outbox") && common.count("notifications");
  if (fill_outbox) {
    CSMS_RETURN_IF_ERROR(
        pg.ExecScript(std::string("INSERT INTO outbox (id, next_attempt_at, lease_owner, attempt_count, "
                                  "round_attempts, round_start, last_error) SELECT id, next_attempt_at, lease_owner, "
                                  "attempt_count, round_attempts, round_start, last_error FROM notifications WHERE ") +
                      kOutboxRows));
  }

  // Sequences behind serial or identity columns continue after the copied ids.
  postgres::Prepared* p = nullptr;
  CSMS_RETURN_IF_ERROR(pg.Prepare(
      "SELECT c.relname::text, a.attname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "WHERE n.nspname = current_schema() AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL",
      &p));
  std::vector<std::pair<std::string, std::string>> serials;
  {
    postgres::Statement s(pg, p);
    Status st;
    while (s.Step(&st)) serials.emplace_back(s.Text(0), s.Text(1));
    CSMS_RETURN_IF_ERROR(st);
  }
  for (const auto& [t, c] : serials) {
    std::string lit = "'" + QuoteIdent(t) + "'";
    CSMS_RETURN_IF_ERROR(pg.ExecScript("SELECT setval(pg_get_serial_sequence(" + lit + ", '" + c + "'), coalesce(max(" +
                                       QuoteIdent(c) + "), 0) + 1, false) FROM " + QuoteIdent(t)));
  }

  // Every table holds as many rows as the source's.
  for (const auto& t : order) {
    int64_t source_rows = 0, target_rows = 0;
    CSMS_RETURN_IF_ERROR(SqliteCount(db, t, &source_rows));
    CSMS_RETURN_IF_ERROR(PgCount(pg, t, &target_rows));
    if (source_rows != target_rows) {
      return errors::Internal("table " + t + ": " + std::to_string(source_rows) + " rows in the source, " +
                              std::to_string(target_rows) + " in PostgreSQL after the copy");
    }
    report->copied.push_back(TableCount{t, target_rows});
  }
  if (fill_outbox) {
    int64_t source_rows = 0, target_rows = 0;
    CSMS_RETURN_IF_ERROR(SqliteCount(db, "notifications", &source_rows, kOutboxRows));
    CSMS_RETURN_IF_ERROR(PgCount(pg, "outbox", &target_rows));
    if (source_rows != target_rows) {
      return errors::Internal("outbox: " + std::to_string(source_rows) + " PENDING notifications in the source, " +
                              std::to_string(target_rows) + " outbox rows in PostgreSQL after the copy");
    }
    report->copied.push_back(TableCount{"outbox", target_rows});
  }
  return SourceMasterKeys(db, source_tables, &report->master_keys);
}

}  // namespace

Status CopySqliteToPostgres(const std::string& sqlite_path, postgres::Connection& pg, CopyReport* report) {
  SqliteDb db;
  if (sqlite3_open_v2(sqlite_path.c_str(), &db.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return db.Error("opening " + sqlite_path);
  }
  sqlite3_busy_timeout(db.db, 5000);
  // One read transaction: every table is read from the same snapshot.
  CSMS_RETURN_IF_ERROR(db.Exec("BEGIN"));
  CSMS_RETURN_IF_ERROR(pg.ExecScript("BEGIN ISOLATION LEVEL SERIALIZABLE"));
  Status s = CopyInTransaction(db, pg, report);
  if (s.ok()) s = pg.ExecScript("COMMIT");
  if (!s.ok()) {
    pg.ExecScript("ROLLBACK").IgnoreError();  // nothing of the copy stays
    report->copied.clear();
  }
  db.Exec("COMMIT").IgnoreError();  // a read transaction: nothing to lose
  return s;
}

namespace {

Status ConnectAndCopy(const std::string& sqlite_path, const std::string& url, const std::string& password,
                      CopyReport* report) {
  std::unique_ptr<postgres::Connection> pg;
  CSMS_RETURN_IF_ERROR(postgres::Connection::Open(url, password, &pg));
  return CopySqliteToPostgres(sqlite_path, *pg, report);
}

}  // namespace
}  // namespace csms::migrate

// The module's entry point (common/module_loader.h).
extern "C" const csms::migrate::PostgresMigrateModule* csms_postgres_migrate_module() {
  static const csms::migrate::PostgresMigrateModule module{csms::kModuleAbiVersion, &csms::migrate::ConnectAndCopy};
  return &module;
}
