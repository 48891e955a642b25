// Opening the PostgreSQL store (postgres_store.cc): a Store shared by any number of csmsd
// processes on one database (docs/architecture.md, Storage; docs/decisions.md).
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace csms {

struct PostgresOptions {
  // A libpq URI or connection string (postgresql://user@host:port/db), without a password.
  std::string url;
  std::string password;     // empty: libpq's own sources (PGPASSWORD, ~/.pgpass) or none
  int max_connections = 8;  // the pool: opened on demand, kept open
  int write_attempts = 30;  // runs of a write that keeps failing to serialize before giving up (Unavailable)
  // Failed runs after which a write runs alone among every replica's writes (the write turn,
  // postgres_store.cc); measured with 3 replicas creating in one project: 3 made the others wait
  // too often, 8 kept the rate and ended the 503s.
  int write_alone_after = 8;
};

// Connects, checks the server, and applies pending migrations under an advisory lock. The store
// lives in the module csms-postgres.so (common/module_loader.h), loaded here on first use;
// store/postgres_loader.cc is the only part of it in csmsd itself.
Status OpenPostgresStore(const PostgresOptions& options, std::unique_ptr<Store>* out);

// True when `database` names a PostgreSQL database (postgresql:// or postgres://).
bool IsPostgresUrl(const std::string& database);
// True when the URL carries a password (user:password@ or a password= parameter).
bool UrlHasPassword(const std::string& url);

// What csms-postgres.so hands csmsd: its entry point csms_postgres_store_module returns this.
struct PostgresStoreModule {
  int abi_version;  // kModuleAbiVersion
  Status (*open_store)(const PostgresOptions& options, std::unique_ptr<Store>* out);
};
using PostgresStoreModuleEntry = const PostgresStoreModule* (*)();

}  // namespace csms
