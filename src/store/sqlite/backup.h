// Online backup of the SQLite database (`csmsd admin backup` / `restore`), through SQLite's online
// backup API (sqlite3_backup_*), and the checks a copy must pass before anyone relies on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace csms::sqlite {

struct BackupOptions {
  int pages_per_step = 256;                 // pages copied per sqlite3_backup_step
  std::chrono::milliseconds step_pause{0};  // pause between steps (gives the disk to the server)
};

struct BackupProgress {
  int64_t pages = 0;  // pages in the copy
  int64_t steps = 0;  // sqlite3_backup_step calls
};

// A master key the data in a database file needs: the id recorded with sealed rows, its alias
// when the database knows it (kms_keys), and how many secret versions it sealed.
struct KeyUse {
  std::string key_id;
  std::string alias;  // "" when no kms_keys row names it
  int64_t versions = 0;
};

// A master-key version the database names (master_key_versions, docs/keys.md): where the key
// lives and its fingerprint, never the key. Retired versions are left out: nothing needs them.
struct KeyVersionUse {
  int64_t version = 0;
  std::string provider;     // file, env or pkcs11
  std::string fingerprint;  // the key's id
  std::string state;        // ACTIVE or DRAINING
};

// What a database file holds that matters to whoever restores it.
struct DatabaseFacts {
  int64_t schema_version = 0;               // the last migration applied
  int64_t known_versions = 0;               // the last migration this binary knows
  std::vector<KeyUse> keys;                 // by key id
  int64_t default_sealed = 0;               // access keys and webhook secrets: sealed under csms/default
  std::vector<KeyVersionUse> key_versions;  // empty before the master-key migration (16)
};

// Copies the database at `source` (which a running csmsd may be writing) into a new file `dest`
// (must not exist). The copy is one consistent snapshot: a read transaction on `source` is held for
// the whole copy (WAL: the server's writer never waits for it; its checkpoints stop short of the
// snapshot until the copy ends), and the pages are copied in steps of `pages_per_step`. Every write
// committed before the call is in the copy. `dest` is fsynced before success is returned.
Status BackupDatabase(const std::string& source, const std::string& dest, const BackupOptions& options,
                      BackupProgress* progress);

// Checks a database file: PRAGMA integrity_check must answer "ok" and the schema version must be
// one this binary knows (1 to the number of its migrations); fills `facts`. Opens `path` read-only.
Status InspectDatabase(const std::string& path, DatabaseFacts* facts);

}  // namespace csms::sqlite
