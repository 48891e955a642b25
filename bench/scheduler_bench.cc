// The scheduler's cost of finding due expiries: 1,000 due versions among 1,000,000 (50,000 secrets
// of 20 versions each) in an on-disk SQLite database.
//   BM_FindDueExpiries     the indexed query alone (a read transaction)
//   BM_TickDueExpiries     one full scheduler step over them: find, advance each schedule, commit
//                          (the versions are re-armed between iterations, untimed)
// The database is built once per run in a temporary directory (about 15 s) and removed at exit.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "common/clock.h"
#include "crypto/key_store.h"
#include "crypto/random.h"
#include "scheduler/lifecycle_jobs.h"
#include "service/rotation_service.h"
#include "service/secret_vault.h"
#include "store/store.h"

namespace csms {
namespace {

constexpr int kSecrets = 50'000;
constexpr int kVersionsPerSecret = 20;
constexpr int kDue = 1'000;
constexpr int64_t kNow = 1'800'000'000'000;
constexpr int64_t kDay = 86'400'000;

struct World {
  std::string dir;
  std::unique_ptr<Store> store;
  crypto::KeyStore keys;
  OffsetClock clock;
  std::unique_ptr<SecretVault> vault;
  std::unique_ptr<RotationService> rotations;
  std::unique_ptr<LifecycleJobs> jobs;
  std::vector<std::pair<std::string, int64_t>> due;  // (secret id, version number) of the due ones

  World() {
    char tmpl[] = "/tmp/csms-sched-bench-XXXXXX";
    dir = mkdtemp(tmpl);
    SqliteOptions o;
    o.path = dir + "/csms.db";
    o.synchronous_full = true;
    if (!OpenSqliteStore(o, &store).ok()) std::abort();
    keys.Add("csms/default", crypto::Keyring::Ephemeral());
    clock.Set(kNow);
    vault = std::make_unique<SecretVault>(&keys, kDefaultNearExpiryLeadsMs);
    rotations = std::make_unique<RotationService>(store.get(), &clock, vault.get(), nullptr, RotationServiceOptions{});
    jobs = std::make_unique<LifecycleJobs>(store.get(), vault.get(), rotations.get(), nullptr);

    // Every version has an armed expiry; all but kDue are due in 1..365 days.
    std::string wrapped = crypto::RandomBytes(60), sealed = crypto::RandomBytes(48);
    const int per_tx = 2'000;
    int version_index = 0;
    for (int base = 0; base < kSecrets; base += per_tx) {
      Status s = store->Write([&](Transaction& tx) -> Status {
        for (int i = base; i < base + per_tx; ++i) {
          Secret secret;
          secret.project_id = "0123456789abcdef0123456789abcdef";
          secret.id = crypto::NewUuid();
          secret.name = "secret-" + std::to_string(i);
          secret.kms_key_id = keys.Default().id;
          secret.create_time = secret.update_time = kNow - 400 * kDay;
          secret.last_version = kVersionsPerSecret;
          CSMS_RETURN_IF_ERROR(tx.secrets().Insert(secret));
          for (int n = 1; n <= kVersionsPerSecret; ++n, ++version_index) {
            SecretVersion v;
            v.secret_id = secret.id;
            v.number = n;
            v.create_time = secret.create_time;
            v.kms_key_id = secret.kms_key_id;
            v.wrapped_key = wrapped;
            v.ciphertext = sealed;
            bool is_due = version_index % (kSecrets * kVersionsPerSecret / kDue) == 0;
            // Due ones expire a minute ago; the rest at 31..395 days from now, past every lead time.
            v.expire_time = is_due ? kNow - 60'000 : kNow + (31 + version_index % 365) * kDay;
            v.expiry = ArmExpiry(*v.expire_time, vault->near_expiry_leads_ms());
            if (is_due) {
              v.expiry.next_lead = 3;
              v.expiry.due_time = *v.expire_time;
              due.emplace_back(v.secret_id, v.number);
            }
            CSMS_RETURN_IF_ERROR(tx.secrets().InsertVersion(v));
          }
        }
        return Status::OK();
      });
      if (!s.ok()) std::abort();
    }
  }
  ~World() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  void RearmDue() {
    Status s = store->Write([&](Transaction& tx) -> Status {
      for (const auto& [id, number] : due) {
        ExpirySchedule e{3, false, kNow - 60'000};
        CSMS_RETURN_IF_ERROR(tx.secrets().UpdateVersionExpiry(id, number, kNow - 60'000, e));
      }
      return Status::OK();
    });
    if (!s.ok()) std::abort();
  }
};

World* g_world = nullptr;  // built once, on first use

World& TheWorld() {
  if (!g_world) g_world = new World();
  return *g_world;
}

void BM_FindDueExpiries(benchmark::State& state) {
  World& w = TheWorld();
  size_t found = 0;
  for (auto _ : state) {
    std::vector<SecretVersion> out;
    out.reserve(kDue);
    Status s = w.store->Read([&](Transaction& tx) { return tx.secrets().DueVersions(kNow, kDue, &out); });
    if (!s.ok()) state.SkipWithError("query failed");
    found = out.size();
  }
  state.counters["due_found"] = static_cast<double>(found);
  state.counters["versions"] = kSecrets * kVersionsPerSecret;
}
BENCHMARK(BM_FindDueExpiries)->Unit(benchmark::kMillisecond);

void BM_TickDueExpiries(benchmark::State& state) {
  World& w = TheWorld();
  int done = 0;
  for (auto _ : state) {
    state.PauseTiming();
    w.RearmDue();
    state.ResumeTiming();
    if (!w.jobs->RunDueExpiries(kNow, kDue, &done).ok()) state.SkipWithError("tick failed");
  }
  state.counters["handled"] = done;
  state.counters["versions"] = kSecrets * kVersionsPerSecret;
}
BENCHMARK(BM_TickDueExpiries)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace csms

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  delete csms::g_world;
  benchmark::Shutdown();
  return 0;
}
