// SecretReadCache (service/secret_read_cache.h): a version is served from memory only when the
// read that found it began after every write of this process that touched the secret, and only
// for memory_millis.
#include "service/secret_read_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "service/secret_service.h"

namespace csms {
namespace read_cache_test {

constexpr char kProject[] = "0123456789abcdef0123456789abcdef";
constexpr int64_t kLong = 3'600'000;  // no entry grows old during a test

std::shared_ptr<const VersionView> View(const std::string& value) {
  auto view = std::make_shared<VersionView>();
  view->secret_name = "db";
  view->value = value;
  return view;
}

// A read as SecretService::GetVersion does it: the ticket, then what the store gave.
void Read(SecretReadCache& cache, const std::string& name, const std::string& id, const std::string& value) {
  SecretReadCache::Ticket ticket = cache.Before(kProject, name);
  cache.Remember(kProject, name, "latest", ticket, id, View(value));
}

std::string Served(SecretReadCache& cache, const std::string& name, const std::string& version_id = "latest") {
  std::shared_ptr<const VersionView> view;
  if (!cache.Find(kProject, name, version_id, &view)) return "(not served)";
  return *view->value;
}

TEST(SecretReadCacheTest, AFirstReadLearnsTheIdAndTheSecondIsKept) {
  SecretReadCache cache(kLong);
  Read(cache, "db", "id-1", "one");
  EXPECT_EQ(Served(cache, "db"), "(not served)");
  Read(cache, "db", "id-1", "one");
  EXPECT_EQ(Served(cache, "db"), "one");
  EXPECT_EQ(Served(cache, "db", "v1"), "(not served)");  // another version id is another entry
  EXPECT_EQ(Served(cache, "other"), "(not served)");
}

TEST(SecretReadCacheTest, AWriteOfTheSecretByNameOrByIdDropsWhatWasReadBeforeIt) {
  for (bool by_name : {true, false}) {
    SecretReadCache cache(kLong);
    Read(cache, "db", "id-1", "one");
    Read(cache, "db", "id-1", "one");
    ASSERT_EQ(Served(cache, "db"), "one");
    SecretReadCache::Touched touched;
    if (by_name) {
      touched.Name(kProject, "db");
    } else {
      touched.Id("id-1");
    }
    cache.Written(touched);
    EXPECT_EQ(Served(cache, "db"), "(not served)") << (by_name ? "by name" : "by id");
    Read(cache, "db", "id-1", "two");
    EXPECT_EQ(Served(cache, "db"), "two");
  }
}

TEST(SecretReadCacheTest, AReadThatBeganBeforeAWriteCommittedIsNotKept) {
  SecretReadCache cache(kLong);
  Read(cache, "db", "id-1", "one");  // the id is known
  SecretReadCache::Ticket ticket = cache.Before(kProject, "db");
  SecretReadCache::Touched touched;  // a version is added while the read runs
  touched.Id("id-1");
  cache.Written(touched);
  cache.Remember(kProject, "db", "latest", ticket, "id-1", View("one, from the old snapshot"));
  EXPECT_EQ(Served(cache, "db"), "(not served)");
}

TEST(SecretReadCacheTest, ASecretCreatedAgainUnderItsNameIsLearnedAnew) {
  SecretReadCache cache(kLong);
  Read(cache, "db", "id-1", "one");
  Read(cache, "db", "id-1", "one");
  SecretReadCache::Touched deleted;
  deleted.Name(kProject, "db");
  deleted.Id("id-1");
  cache.Written(deleted);
  Read(cache, "db", "id-2", "new secret");  // the ticket named id-1: only learns id-2
  EXPECT_EQ(Served(cache, "db"), "(not served)");
  Read(cache, "db", "id-2", "new secret");
  EXPECT_EQ(Served(cache, "db"), "new secret");
}

TEST(SecretReadCacheTest, AnEntryIsServedOnlyForMemoryMillis) {
  SecretReadCache cache(1);
  Read(cache, "db", "id-1", "one");
  Read(cache, "db", "id-1", "one");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(Served(cache, "db"), "(not served)");
}

TEST(SecretReadCacheTest, AChangeToldAtOnceDropsWhatWasReadBeforeIt) {
  SecretReadCache cache(kLong);
  Read(cache, "db", "id-1", "one");
  Read(cache, "db", "id-1", "one");
  cache.IdWritten("id-1");  // a version inserted, not yet committed
  EXPECT_EQ(Served(cache, "db"), "(not served)");
  Read(cache, "db", "id-1", "one");
  Read(cache, "db", "id-1", "one");
  cache.NameWritten(kProject, "db");
  EXPECT_EQ(Served(cache, "db"), "(not served)");
}

// A value is not held past its time just because nobody asks for it again: the next use of the
// cache (here, another secret's read) lets it go, and so wipes it.
TEST(SecretReadCacheTest, AnOldEntryIsLetGoAtTheNextUseOfTheCache) {
  SecretReadCache cache(1);
  Read(cache, "db", "id-1", "one");
  SecretReadCache::Ticket ticket = cache.Before(kProject, "db");
  auto view = View("one");
  std::weak_ptr<const VersionView> held = view;
  cache.Remember(kProject, "db", "latest", ticket, "id-1", std::move(view));
  ASSERT_FALSE(held.expired());
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(Served(cache, "other"), "(not served)");
  EXPECT_TRUE(held.expired());
}

TEST(SecretReadCacheTest, ADisabledCacheServesNothing) {
  SecretReadCache cache(0);
  EXPECT_FALSE(cache.enabled());
  Read(cache, "db", "id-1", "one");
  Read(cache, "db", "id-1", "one");
  EXPECT_EQ(Served(cache, "db"), "(not served)");
}

}  // namespace read_cache_test
}  // namespace csms
