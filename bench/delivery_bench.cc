// Notification delivery: the real dispatcher (notify/dispatcher.h) over an on-disk SQLite store,
// delivering signed webhooks to a local keep-alive receiver (the project's own HTTP server, one
// thread) in the same process.
//   BM_SustainedDeliveries/<sync>   20,000 PENDING notifications already in the outbox; time from
//                                   the dispatcher's start until every one is delivered and its
//                                   outcome committed. deliveries_per_s is the number to read.
//                                   sync 1 = --sqlite-sync full (fsync per commit), 0 = normal.
//   BM_TriggerToDelivery            1,000 triggers/s for 5 s: each trigger is one committed write
//                                   transaction inserting the notification (fsync), then the
//                                   in-process wake-up, as a secret change does. Latency = from
//                                   the start of the trigger's transaction to the receiver
//                                   getting the request; p50_ms / p99_ms / max_ms. Four threads
//                                   produce the triggers (concurrent requests); commit_* is the
//                                   trigger's commit alone, after_commit_* the rest.
//                                   sync 1 = full, 0 = normal, as above.
// Targets (issue 4): >= 10,000 deliveries/s; p99 <= 20 ms at 1,000 triggers/s.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "crypto/keyring.h"
#include "delivery_receiver.h"
#include "http/server.h"
#include "notify/dispatcher.h"
#include "service/webhook_secrets.h"
#include "store/store.h"

namespace csms {
namespace {

using bench::Receiver;
using bench::RecordId;
using bench::SteadyClock;
constexpr const char* kProject = "0123456789abcdef0123456789abcdef";

struct World {
  std::string dir;
  std::unique_ptr<Store> store;
  crypto::Keyring keyring = crypto::Keyring::Ephemeral();
  SystemClock clock;
  std::unique_ptr<WebhookSecrets> secrets;
  notify::DeliveryMetrics metrics;
  std::unique_ptr<notify::Dispatcher> dispatcher;

  explicit World(bool synchronous_full) {
    char tmpl[] = "/tmp/csms-delivery-bench-XXXXXX";
    dir = mkdtemp(tmpl);
    SqliteOptions o;
    o.path = dir + "/csms.db";
    o.synchronous_full = synchronous_full;
    if (!OpenSqliteStore(o, &store).ok()) std::abort();
    secrets = std::make_unique<WebhookSecrets>(store.get(), &keyring, &clock);
    std::string secret;
    if (!store->Write([&](Transaction& tx) { return secrets->Create(tx, kProject, "ev", &secret); }).ok()) std::abort();
  }
  ~World() {
    dispatcher.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  void StartDispatcher() {
    notify::DispatcherOptions o;  // csmsd's defaults
    dispatcher = std::make_unique<notify::Dispatcher>(store.get(), &clock, &clock, secrets.get(), &metrics, o);
    if (!dispatcher->Start().ok()) std::abort();
  }
  NotificationRecord Notification(int64_t n, const std::string& url, int64_t now) {
    NotificationRecord r;
    r.record_id = RecordId(n);
    r.project_id = kProject;
    r.event_name = "ev";
    r.trigger_event_type = EventType::kVersionCreated;
    r.create_time = now;
    r.secret_name = "bench-secret";
    r.secret_type = "COMMON";
    r.target_type = "WEBHOOK";
    r.notification_target_id = url;
    r.notification_target_name = "hook";
    // The size of a real SECRET_VERSION_CREATED notification (~400 bytes).
    r.notification_content =
        R"({"eventName":"ev","eventType":"SECRET_VERSION_CREATED","eventTime":"2026-11-23T14:27:04.553Z","data":{"secretId":"c15fdae9-c3d2-45f5-a58c-7679b4bc91c2","secretName":"bench-secret","secretType":"COMMON","createTime":"2026-11-23T14:27:04.553Z","updateTime":"2026-11-23T14:27:04.553Z","versionId":"v1","versionCreateTime":"2026-11-23T14:27:04.553Z"},"sequence":)" +
        std::to_string(n + 1) + R"(,"notificationId":")" + r.record_id + R"("})";
    r.notification_status = NotificationStatus::kPending;
    r.sequence = n + 1;
    r.next_attempt_at = now;
    return r;
  }
};

void BM_SustainedDeliveries(benchmark::State& state) {
  const int64_t n = 20'000;
  for (auto _ : state) {
    World world(state.range(0) == 1);
    Receiver receiver(n);
    const int64_t now = world.clock.NowMillis();
    for (int64_t base = 0; base < n; base += 5'000) {
      Status s = world.store->Write([&](Transaction& tx) -> Status {
        for (int64_t i = base; i < std::min(n, base + 5'000); ++i) {
          CSMS_RETURN_IF_ERROR(tx.records().Insert(world.Notification(i, receiver.Url(), now)));
        }
        return Status::OK();
      });
      if (!s.ok()) std::abort();
    }
    auto start = SteadyClock::now();
    world.StartDispatcher();
    while (world.metrics.Snapshot().success < n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    state.SetIterationTime(seconds);
    state.counters["deliveries_per_s"] = n / seconds;
    state.counters["requests"] = static_cast<double>(receiver.count());
    auto m = world.metrics.Snapshot();
    state.counters["mean_attempt_ms"] = m.attempts ? m.latency_sum_us / 1000.0 / m.attempts : 0;
  }
}
BENCHMARK(BM_SustainedDeliveries)->Arg(1)->Arg(0)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_TriggerToDelivery(benchmark::State& state) {
  const int64_t rate = 1'000, seconds = 5, n = rate * seconds;
  for (auto _ : state) {
    World world(state.range(0) == 1);
    Receiver receiver(n);
    world.StartDispatcher();
    std::vector<int64_t> triggered(n);
    std::vector<double> commit_ms(n);
    // Triggers come from concurrent requests: 4 producers take turns, each trigger at its own
    // moment of the 1,000/s schedule, so one slow commit does not delay the next trigger's start.
    auto start = SteadyClock::now();
    std::vector<std::thread> producers;
    for (int p = 0; p < 4; ++p) {
      producers.emplace_back([&, p] {
        for (int64_t i = p; i < n; i += 4) {
          std::this_thread::sleep_until(start + std::chrono::microseconds(i * 1'000'000 / rate));
          triggered[i] = SteadyClock::now().time_since_epoch().count();
          NotificationRecord r = world.Notification(i, receiver.Url(), world.clock.NowMillis());
          if (!world.store->Write([&](Transaction& tx) { return tx.records().Insert(r); }).ok()) std::abort();
          commit_ms[i] = static_cast<double>(SteadyClock::now().time_since_epoch().count() - triggered[i]) / 1e6;
          world.dispatcher->Wake();
        }
      });
    }
    for (auto& t : producers) t.join();
    double produce_seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    auto deadline = SteadyClock::now() + std::chrono::seconds(30);
    while (world.metrics.Snapshot().success < n && SteadyClock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::vector<double> latency_ms, after_commit_ms;
    latency_ms.reserve(n);
    for (int64_t i = 0; i < n; ++i) {
      int64_t at = receiver.arrival(i);
      if (at <= 0) continue;
      latency_ms.push_back(static_cast<double>(at - triggered[i]) / 1e6);
      after_commit_ms.push_back(latency_ms.back() - commit_ms[i]);
    }
    std::sort(latency_ms.begin(), latency_ms.end());
    std::sort(after_commit_ms.begin(), after_commit_ms.end());
    auto pct_of = [](const std::vector<double>& v, double p) {
      return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
    };
    auto pct = [&](double p) { return pct_of(latency_ms, p); };
    state.SetIterationTime(produce_seconds);
    state.counters["triggers_per_s"] = n / produce_seconds;
    state.counters["delivered"] = static_cast<double>(latency_ms.size());
    state.counters["p50_ms"] = pct(0.50);
    state.counters["p99_ms"] = pct(0.99);
    state.counters["max_ms"] = latency_ms.empty() ? 0.0 : latency_ms.back();
    // The trigger's own commit (part of the latency above): what fsync costs on this disk.
    std::sort(commit_ms.begin(), commit_ms.end());
    state.counters["commit_p50_ms"] = commit_ms[commit_ms.size() / 2];
    state.counters["commit_p99_ms"] = commit_ms[commit_ms.size() * 99 / 100];
    // From the trigger's commit to the receiver: the dispatcher's own share.
    state.counters["after_commit_p50_ms"] = pct_of(after_commit_ms, 0.50);
    state.counters["after_commit_p99_ms"] = pct_of(after_commit_ms, 0.99);
  }
}
BENCHMARK(BM_TriggerToDelivery)->Arg(1)->Arg(0)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace csms

BENCHMARK_MAIN();
