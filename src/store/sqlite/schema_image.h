// A new SQLite database written from the schema image instead of made by running the migrations:
// the image is that run, done at build time (cmake/sqlite_schema_image.cc, from the same
// store/sqlite/schema.h), and compiled into csmsd. Parsing and executing the whole schema cost
// every --dev start and every first start 5-8 ms of CPU (decision 129); writing the file costs
// well under one. A database made either way is the same (schema_image_test.cc compares them).
#pragma once

#include <string>

#include "common/status.h"

namespace csms::sqlite {

// Creates `path` (mode 0600) holding the image when no file is there; *created says whether it
// did (false: a file exists, which is left alone). The file is written as `path`.new and linked
// into place, so a crash never leaves a partial database; with `durable`, the file and the
// directory entry are synced before it returns.
Status CreateFromSchemaImage(const std::string& path, bool durable, bool* created);

}  // namespace csms::sqlite
