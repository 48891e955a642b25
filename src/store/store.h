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
#include "store/access_key_repository.h"
#include "store/delivery_repository.h"
#include "store/event_repository.h"
#include "store/grant_repository.h"
#include "store/identity_repository.h"
#include "store/record_repository.h"
#include "store/secret_repository.h"
#include "store/task_repository.h"

namespace csms {

// A transaction hands out one repository per area; lookups of a missing row return a kNotFound
// Status and inserts that hit a unique key return kConflict. Every query of project data is
// scoped by project_id.
class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual IdentityRepository& identity() = 0;
  virtual EventRepository& events() = 0;
  virtual RecordRepository& records() = 0;
  virtual SecretRepository& secrets() = 0;
  virtual TaskRepository& tasks() = 0;
  virtual AccessKeyRepository& access_keys() = 0;
  virtual DeliveryRepository& delivery() = 0;
  virtual GrantRepository& grants() = 0;
};

class Store {
 public:
  using TxFn = std::function<Status(Transaction&)>;
  virtual ~Store() = default;

  // A read-only snapshot.
  virtual Status Read(const TxFn& fn) = 0;
  // A read-write transaction, committed iff fn returns ok (and the commit succeeds).
  virtual Status Write(const TxFn& fn) = 0;
  // Like Write, but the commit may skip the flush to stable storage: it survives a crash of the
  // process, not necessarily a power loss. Only for writes that are safe to lose that way, such as
  // the dispatcher's claims and outcomes (losing one means delivering again: at-least-once).
  virtual Status WriteRelaxed(const TxFn& fn) { return Write(fn); }
};

struct SqliteOptions {
  std::string path;              // database file; ":memory:" for an ephemeral database
  bool synchronous_full = true;  // fsync on every commit (survives power loss, not only kill -9)
  int max_connections = 8;
};

// Opens (creating if needed) an SQLite store and applies pending schema migrations.
Status OpenSqliteStore(const SqliteOptions& options, std::unique_ptr<Store>* out);

}  // namespace csms
