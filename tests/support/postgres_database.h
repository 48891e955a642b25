// Stand-in for support/postgres.h (the lead's PostgreSQL test server) until it lands: a fresh
// database on the server CSMS_TEST_PG_ADMIN_URL names (trust authentication).
#pragma once

#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

#include "support/temp_dir.h"

namespace csms::test {

class PostgresTestDatabase {
 public:
  PostgresTestDatabase() {
    const char* env = std::getenv("CSMS_TEST_PG_ADMIN_URL");
    std::string admin = env ? env : "postgresql://postgres@127.0.0.1:55437/postgres";
    static std::atomic<int> n{0};
    std::random_device rd;
    name_ = "csms_t" + std::to_string(rd() % 1000000) + "_" + std::to_string(n++);
    PGconn* c = PQconnectdb(admin.c_str());
    PQclear(PQexec(c, ("CREATE DATABASE " + name_ + " ENCODING 'UTF8' TEMPLATE template0").c_str()));
    PQfinish(c);
    url_ = admin.substr(0, admin.rfind('/') + 1) + name_;
    std::ofstream(dir_.File("password")) << "";
  }
  const std::string& url() const { return url_; }
  std::string password_file() const { return dir_.File("password"); }

 private:
  TempDir dir_{"csms-pg"};
  std::string name_, url_;
};

}  // namespace csms::test
