#include "scheduler/master_key_worker.h"

#include "common/log.h"

namespace csms {

void MasterKeyWorker::Start() {
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void MasterKeyWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool MasterKeyWorker::Wait(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, d, [this] { return stop_; });
  return !stop_;
}

void MasterKeyWorker::Run() {
  do {
    bool changed = false;
    Status s = keys_->Refresh(&changed);
    if (changed) log::Info("master key versions reloaded");
    bool more = s.ok();
    while (more && s.ok()) {
      s = keys_->RewrapBatch(options_.batch, &more);
      if (more && options_.pause.count() > 0 && !Wait(options_.pause)) return;
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    // The same failure (a token that went away) is logged once, not at every check.
    if (!s.ok() && s.message() != last_error_) log::Error("master key rotation: " + s.message());
    last_error_ = s.ok() ? "" : s.message();
  } while (Wait(options_.check_interval));
}

}  // namespace csms
