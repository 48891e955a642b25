// WriterControl: what the API may see and steer of the store's writer — its statistics (queue
// depth, group sizes, commit latency) and, in --dev only, the hold used by tests to make writes
// queue up (Store::HoldWrites). A handler never sees the Store itself.
#pragma once

#include "store/store.h"

namespace csms {

class WriterControl {
 public:
  explicit WriterControl(Store* store) : store_(store) {}
  StoreStats Stats() const { return store_->stats(); }
  void Hold(bool held) { store_->HoldWrites(held); }
  // Writes complete without a waiting thread (Store::WritesAsync): routes may hand them over from
  // an I/O thread (http/api.h Route::async).
  bool writes_async() const { return store_->WritesAsync(); }

 private:
  Store* store_;
};

}  // namespace csms
