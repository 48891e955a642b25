// Wake-ups across replicas (store/postgres/outbox_listener.h): a watch looks once as soon as it
// listens, since whatever was committed (or handed back) before its LISTEN took effect sent a
// NOTIFY nobody heard, and then once per NOTIFY. Without the first look, a claim handed back
// between a replica's start-up pass and its LISTEN waited for the poll interval.
// PostgreSQL only: the pg. variant of the suite runs these (CSMS_TEST_ENGINE=postgresql).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "store/postgres/outbox_listener.h"
#include "store/postgres/postgres_store.h"
#include "store/store.h"
#include "support/engine.h"
#include "support/postgres.h"
#include "support/wait.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

TEST(PostgresOutboxWatchTest, LooksOnceWhenItStartsListeningThenAtEveryWakeUp) {
  if (!TestEngineIsPostgres()) GTEST_SKIP() << "PostgreSQL only (its pg. variant runs it)";
  PostgresTestDatabase db;
  ASSERT_TRUE(db.ok());
  PostgresOptions options;
  options.url = db.url();
  options.password = db.server().password;
  options.max_connections = 2;
  std::unique_ptr<Store> store;
  ASSERT_TRUE(OpenPostgresStore(options, &store).ok());
  std::atomic<int> wakes{0};
  // A long check interval: no reconnect (and no look after one) within the test.
  std::unique_ptr<StoreWatch> watch = store->WatchOutbox([&] { ++wakes; }, 600s);
  ASSERT_NE(watch, nullptr);
  // Nobody notified: this look is the one made on starting to listen.
  ASSERT_TRUE(WaitUntil([&] { return wakes.load() >= 1; }, 60s));
  EXPECT_EQ(wakes.load(), 1);
  // It listens from before that look, so a wake-up sent now is heard.
  ASSERT_EQ(db.Exec(std::string("NOTIFY ") + postgres::kOutboxChannel), "");
  EXPECT_TRUE(WaitUntil([&] { return wakes.load() >= 2; }, 60s));
  watch.reset();
}

}  // namespace
}  // namespace csms::test
