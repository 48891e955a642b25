// FailureThrottle: the rate limit on audit lines that nobody authenticated for (docs/audit.md):
// auth_failure and lockout lines, and the lines of a failed login. Without it an anonymous client
// writes one line per request it sends (~10 MB/s on one connection) and fills the disk, after
// which every audited request fails (503). Two token buckets, like the brute-force limits: one
// per source address and one for all sources together; a line is written when both hold a token.
// A suppressed line is counted against its source, and the count becomes one summary line ("N
// further auth failures from ADDR suppressed") written with the source's next admitted line, or,
// once it has waited summary_after_ms, with the next line of any request.
//
// Memory is bounded: at most max_sources addresses; a full table drops the buckets that have
// refilled and have nothing to report, and beyond that new addresses share one bucket ("other").
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace csms::audit {

struct FailureLimits {
  double per_second = 1;  // per source address: `burst` lines in a row, then one a second
  int burst = 20;
  double global_per_second = 20;  // all sources together
  int global_burst = 200;
  size_t max_sources = 10'000;
  int64_t summary_after_ms = 60'000;  // a suppressed count waiting this long is written anyway
};

// The source named in the summary of addresses beyond max_sources.
inline constexpr std::string_view kOtherSources = "other";

class FailureThrottle {
 public:
  explicit FailureThrottle(FailureLimits limits = {}) : limits_(limits) {}

  struct Suppressed {
    std::string source;
    int64_t count = 0;  // 0: nothing to report
  };
  // One line about a failure from `source` at `now_ms`: true when it may be written (a token is
  // taken), false when it is suppressed (and counted). On true, *summary holds what was suppressed
  // from that source before (count 0: nothing), to be written before the line; it is forgotten here.
  bool Admit(std::string_view source, int64_t now_ms, Suppressed* summary);
  // Counts that have waited summary_after_ms or more, taken (at most `max`); cheap when none have.
  std::vector<Suppressed> TakeStale(int64_t now_ms, size_t max);

  size_t SizeForTesting();

 private:
  struct Bucket {
    double tokens = 0;
    int64_t updated_ms = 0;
  };
  struct Source {
    Bucket bucket;
    int64_t suppressed = 0;
    int64_t first_suppressed_ms = 0;
  };
  static void Refill(Bucket& b, double per_second, int burst, int64_t now_ms);
  Source& Find(std::string_view source, int64_t now_ms, std::string* key);

  FailureLimits limits_;
  std::mutex mu_;
  Bucket global_;  // under mu_
  bool global_started_ = false;
  std::unordered_map<std::string, Source> sources_;  // under mu_
  int64_t oldest_pending_ms_ = -1;                   // under mu_: a lower bound, -1 when none pending
};

}  // namespace csms::audit
