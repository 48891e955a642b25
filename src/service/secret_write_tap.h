// TapSecretWrites: a Store that tells a SecretReadCache which secrets each write touched, once that
// write's commit is over (decision 138). Every write of the process goes through the store the
// services were given, so no write path (a service, the scheduler, rotation, import, a backup's
// restore) can forget to: the tap sees the calls that change a secret, its versions or its stages
// on the transaction's SecretRepository. Reads and every other call go to the wrapped store as
// they are.
//
// Thread-safety: as the wrapped store's.
#pragma once

#include <memory>

#include "store/store.h"

namespace csms {

class SecretReadCache;

// `cache` must outlive the returned store. A disabled cache gets the store back unwrapped.
std::unique_ptr<Store> TapSecretWrites(std::unique_ptr<Store> store, SecretReadCache* cache);

}  // namespace csms
