// ReadinessService: what GET /readyz answers. Ready means the server can do its work now: the
// database answers a read and carries every schema migration this binary knows, and the master
// key is loaded. No side effects: it reads, never writes. It reads the store, so /readyz runs on
// a request pool, never on an I/O thread (a slow disk delays the answer, not the I/O threads).
#pragma once

#include "common/status.h"
#include "crypto/keyring.h"
#include "store/store.h"

namespace csms {

class ReadinessService {
 public:
  ReadinessService(Store* store, const crypto::Keyring* master_key) : store_(store), master_key_(master_key) {}

  // OK when ready; otherwise Unavailable whose message says why.
  Status Check() const;

 private:
  Store* store_;
  const crypto::Keyring* master_key_;
};

}  // namespace csms
