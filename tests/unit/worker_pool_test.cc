// http::WorkerPool: bounded, so a flood of blocking requests is refused instead of queued forever.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/server.h"
#include "http/worker_pool.h"

namespace csms::http {
namespace {

// A latch the tasks wait on, so "busy" is a fact and not a timing guess.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  int waiting = 0;
  void Wait() {
    std::unique_lock<std::mutex> lock(mu);
    ++waiting;
    cv.notify_all();
    cv.wait(lock, [&] { return open; });
  }
  bool WaitForWaiters(int n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return waiting >= n; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  }
};

TEST(WorkerPool, RefusesWhenEveryThreadIsBusyAndTheQueueIsFull) {
  Gate gate;
  std::atomic<int> done{0};
  {
    WorkerPool pool(2, 1);
    auto task = [&] {
      gate.Wait();
      done.fetch_add(1);
    };
    ASSERT_TRUE(pool.TrySubmit(task));
    ASSERT_TRUE(pool.TrySubmit(task));
    ASSERT_TRUE(gate.WaitForWaiters(2));  // both threads busy
    EXPECT_TRUE(pool.TrySubmit(task));    // the one queue slot
    EXPECT_FALSE(pool.TrySubmit(task));   // saturated
    gate.Open();
    for (int i = 0; i < 2000 && done.load() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(done.load(), 3);
    EXPECT_TRUE(pool.TrySubmit([] {}));  // room again
  }
}

TEST(WorkerPool, QueueOfZeroRefusesAsSoonAsTheThreadsAreBusy) {
  Gate gate;
  WorkerPool pool(1, 0);
  ASSERT_TRUE(pool.TrySubmit([&] { gate.Wait(); }));
  ASSERT_TRUE(gate.WaitForWaiters(1));
  EXPECT_FALSE(pool.TrySubmit([] {}));
  gate.Open();
}

TEST(WorkerPool, StartsThreadsOnlyWhenTasksNeedThem) {
  Gate gate;
  WorkerPool pool(64, 0);
  EXPECT_EQ(pool.started_threads(), 0);  // nothing at start-up
  ASSERT_TRUE(pool.TrySubmit([&] { gate.Wait(); }));
  ASSERT_TRUE(pool.TrySubmit([&] { gate.Wait(); }));
  ASSERT_TRUE(gate.WaitForWaiters(2));  // two busy threads: both were started
  EXPECT_EQ(pool.started_threads(), 2);
  gate.Open();
}

TEST(ConnectionCap, LeavesDescriptorsForTheRestOfTheProcess) {
  EXPECT_EQ(DefaultMaxConnections(128), 96);
  EXPECT_EQ(DefaultMaxConnections(1024), 768);
  EXPECT_EQ(DefaultMaxConnections(1 << 19), (1 << 19) - 1024);
  EXPECT_GE(DefaultMaxConnections(20), 16);
  for (int64_t limit : {256, 4096, 65536}) EXPECT_LT(DefaultMaxConnections(limit), limit);
}

TEST(WorkerPool, StartAllStartsEveryThreadAtOnce) {
  WorkerPool pool(3, 4);
  EXPECT_EQ(pool.started_threads(), 0);
  pool.StartAll();
  EXPECT_EQ(pool.started_threads(), 3);
  Gate gate;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.TrySubmit([&] { gate.Wait(); }));
  EXPECT_TRUE(gate.WaitForWaiters(3)) << "three tasks run at once on the started threads";
  EXPECT_EQ(pool.started_threads(), 3) << "no thread beyond the limit";
  gate.Open();
}

}  // namespace
}  // namespace csms::http
