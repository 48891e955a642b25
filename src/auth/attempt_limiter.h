// AttemptLimiter: the brute-force limits on credentials (docs/auth.md). Two token buckets guard
// every password check and every AK/SK signature verification: one per subject (a user as named
// in a login, a user id for a password change, an access key from one address) and one per source
// address. Each attempt takes a token from both before the check runs, so a flood is refused
// before the costly password hash and concurrent guesses cannot overdraw a bucket; an attempt that
// succeeds (or fails for a reason other than bad credentials) gives its tokens back, so only
// failures count.
// A success gives back only its own tokens: it never resets a bucket another client drained.
//
// Counters are per process: each replica on a shared PostgreSQL keeps its own (shared counters are
// future work). Memory is bounded: at most `max_entries` buckets per table; a full table first
// drops the buckets that have refilled (idle), then the least recently used.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"

namespace csms {

struct BucketLimit {
  double per_minute = 0;  // refill rate; 0 (or burst 0) = no limit
  int burst = 0;          // bucket size: failures allowed in a row
  bool enabled() const { return per_minute > 0 && burst > 0; }
};

struct AttemptLimits {
  BucketLimit subject{5, 10};    // per user / access key and address: 10 in a row, then one every 12 s
  BucketLimit address{30, 50};   // per source address: 50 in a row, then one every 2 s
  size_t max_entries = 100'000;  // per table
};

// The subject of a password check. A known user's bucket is keyed on its id, so every way of
// naming it (the domain by name or by id, a login or a password change) draws on one bucket. An
// unknown user is keyed on its name and its domain's id when the domain exists (the same bucket
// for both spellings of the domain, as a known user has, so lockouts do not tell which users
// exist), else on the domain as sent.
std::string UserAttemptSubject(std::string_view user_id);
std::string UnknownUserAttemptSubject(std::string_view user_name, std::string_view domain);

class AttemptLimiter {
 public:
  AttemptLimiter(AttemptLimits limits, const Clock* clock) : limits_(limits), clock_(clock) {}

  // Takes one attempt from the subject's and the address's bucket (an empty key is not limited).
  // False when either bucket is empty: nothing is taken and *retry_after_s is the whole seconds
  // until both hold an attempt again (at least 1).
  bool Acquire(std::string_view subject, std::string_view address, int64_t* retry_after_s);
  // Gives back what a successful Acquire took: the attempt did not fail on its credentials.
  void Refund(std::string_view subject, std::string_view address);

  // Buckets held (tests of the memory bound).
  size_t SizeForTesting();

 private:
  struct Bucket {
    double tokens = 0;
    int64_t updated_ms = 0;
  };
  using Table = std::unordered_map<std::string, Bucket>;

  // The bucket of `key` refilled up to now (created full), making room first when the table is full.
  Bucket& Refilled(Table& table, const BucketLimit& limit, std::string_view key, int64_t now_ms);
  void MakeRoom(Table& table, const BucketLimit& limit, int64_t now_ms);
  static int64_t MillisUntilOne(const Bucket& b, const BucketLimit& limit);

  AttemptLimits limits_;
  const Clock* clock_;
  std::mutex mu_;
  Table subjects_, addresses_;  // under mu_
};

}  // namespace csms
