// OpenSSL's first initialisation (its configuration file, the default provider, the algorithm
// tables) and the first fetch of each algorithm csmsd uses at once cost milliseconds of CPU and
// hundreds of page faults, and nothing in it depends on the database. So start-up runs it on a
// thread of its own while the main thread opens the database; the main thread's own first crypto
// calls then find it done (or wait inside OpenSSL's own once-locks for it). Nothing is skipped:
// the configuration file is loaded as before.
#pragma once

#include <thread>

namespace csms {

class CryptoWarmUp {
 public:
  CryptoWarmUp();   // starts the thread
  ~CryptoWarmUp();  // joins it
  CryptoWarmUp(const CryptoWarmUp&) = delete;
  CryptoWarmUp& operator=(const CryptoWarmUp&) = delete;

  void Join();

 private:
  std::thread thread_;
};

}  // namespace csms
