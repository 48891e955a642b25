// A new SQLite database written from the schema image instead of made by running the migrations:
// the image is that run, done at build time (cmake/sqlite_schema_image.cc, from the same
// store/sqlite/schema.h), and compiled into csmsd. Parsing and executing the whole schema cost
// every --dev start and every first start 5-8 ms of CPU (decision 129); writing the file costs
// well under one. A database made either way is the same (schema_image_test.cc compares them).
#pragma once

#include <string>

#include "common/status.h"

namespace csms::sqlite {

// Creates `path` (mode 0600) holding the image when neither it nor a journal or WAL of it is
// there; *created says whether it did. The file is written unnamed (O_TMPFILE) and linked into
// place, so a crash never leaves a partial database and an existing one is never replaced; with
// `durable`, the file and the directory entry are synced. Where that cannot be done (a filesystem
// without O_TMPFILE or hard links, another process first) it returns OK without creating, and the
// migrations make the database as before. Not OK only when a database it linked cannot be synced.
Status CreateFromSchemaImage(const std::string& path, bool durable, bool* created);

}  // namespace csms::sqlite
