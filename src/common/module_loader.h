// Optional modules: the database client libraries, loaded only when used.
//
// libpq (with Kerberos, LDAP and GnuTLS behind it) and MariaDB Connector/C cost csmsd about half
// of its start-up in the dynamic loader, yet most installations run on the embedded SQLite and
// never rotate a database password. So the code that calls them is built as two shared modules
// (csms-postgres.so: the PostgreSQL store and PostgreSQL accounts; csms-mariadb.so: MySQL/MariaDB
// accounts), opened with dlopen the first time they are needed. A module resolves csmsd's own
// symbols against the executable (built with ENABLE_EXPORTS), so there is one copy of everything.
//
// Search order: $CSMS_MODULE_DIR, the directory of the running executable (a build tree), then
// <executable dir>/../lib/csms (an installed package).
//
// Thread-safe. A module stays loaded for the life of the process.
#pragma once

#include <string>

#include "common/status.h"

namespace csms {

// The address of `symbol` in module `file` (e.g. "csms-postgres.so"), loading it on first use.
// An error names every place looked in and dlopen's reason.
Status LoadModuleSymbol(const std::string& file, const char* symbol, void** out);

// What a module's entry-point table carries for csmsd to check: common/module_abi.h.

}  // namespace csms
