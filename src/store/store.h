// Store: the one storage interface of csms. Services run their work inside Read or Write; a Write
// commits only if the callback returns ok, so a failed request changes nothing, and everything a
// request changes (including the notifications it triggers) lands in one transaction.
//
// Implementations: sqlite/ (embedded default), postgres/ (shared, for replicas).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/event.h"
#include "domain/identity.h"
#include "domain/notification_record.h"

namespace csms {

// The operations available inside a transaction. Lookups of a missing row return a kNotFound
// Status; inserts that hit a unique key return kConflict. Every query is scoped by project_id
// where the data belongs to a project.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // Identity.
  virtual Status InsertDomain(const Domain& domain) = 0;
  virtual Status GetDomainByName(const std::string& name, Domain* out) = 0;
  virtual Status GetDomainById(const std::string& id, Domain* out) = 0;
  virtual Status InsertProject(const Project& project) = 0;
  virtual Status GetProjectById(const std::string& id, Project* out) = 0;
  virtual Status GetProjectByName(const std::string& domain_id, const std::string& name, Project* out) = 0;
  virtual Status ListProjects(const std::string& domain_id, std::vector<Project>* out) = 0;
  virtual Status InsertUser(const User& user) = 0;
  virtual Status GetUserByName(const std::string& domain_id, const std::string& name, User* out) = 0;
  virtual Status GetUserById(const std::string& id, User* out) = 0;
  virtual Status UpdateUserPassword(const std::string& user_id, const std::string& password_hash) = 0;
  virtual Status InsertToken(const TokenRecord& token) = 0;
  virtual Status GetToken(const std::string& token_hash, TokenRecord* out) = 0;
  virtual Status DeleteTokensExpiredBefore(int64_t now_ms, int64_t* deleted) = 0;

  // Events, ordered by name (byte order) for keyset pagination.
  virtual Status CountEvents(const std::string& project_id, int64_t* count) = 0;
  virtual Status InsertEvent(const Event& event) = 0;
  virtual Status GetEvent(const std::string& project_id, const std::string& name, Event* out) = 0;
  virtual Status UpdateEvent(const Event& event) = 0;
  virtual Status DeleteEvent(const std::string& project_id, const std::string& name) = 0;
  // Up to `limit` events with name > after_name (all when after_name is empty).
  virtual Status ListEvents(const std::string& project_id, const std::string& after_name, int limit,
                            std::vector<Event>* out) = 0;

  // Notification records, newest first.
  virtual Status InsertRecord(const NotificationRecord& record) = 0;
  virtual Status ListRecords(const RecordQuery& query, std::vector<NotificationRecord>* out) = 0;
};

class Store {
 public:
  using TxFn = std::function<Status(Transaction&)>;
  virtual ~Store() = default;

  // A read-only snapshot.
  virtual Status Read(const TxFn& fn) = 0;
  // A read-write transaction, committed iff fn returns ok (and the commit succeeds).
  virtual Status Write(const TxFn& fn) = 0;
};

struct SqliteOptions {
  std::string path;            // database file; ":memory:" for an ephemeral database
  bool synchronous_full = true;  // fsync on every commit (survives power loss, not only kill -9)
  int max_connections = 8;
};

// Opens (creating if needed) an SQLite store and applies pending schema migrations.
Status OpenSqliteStore(const SqliteOptions& options, std::unique_ptr<Store>* out);

}  // namespace csms
