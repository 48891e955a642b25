// MasterKeyWorker: the server's thread for master-key rotation (docs/keys.md). Every
// check_interval it re-reads the master-key versions (a version added by `csmsd admin
// rotate-master-key` seals new values from then on), then runs the re-wrap in batches of `batch`
// rows, `pause` apart, until it is finished or must wait.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "service/master_key_service.h"

namespace csms {

struct MasterKeyWorkerOptions {
  std::chrono::milliseconds check_interval{10000};
  int batch = 100;
  std::chrono::milliseconds pause{0};  // between batches (a slow-down for operators and tests)
};

class MasterKeyWorker {
 public:
  MasterKeyWorker(MasterKeyService* keys, MasterKeyWorkerOptions options) : keys_(keys), options_(options) {}
  ~MasterKeyWorker() { Stop(); }
  void Start();
  void Stop();

 private:
  void Run();
  // Waits up to `d`; false once Stop was called.
  bool Wait(std::chrono::milliseconds d);

  MasterKeyService* keys_;
  MasterKeyWorkerOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
  std::string last_error_;
};

}  // namespace csms
