#include "app/observability.h"

#include <array>

#include "app/server_app.h"
#include "common/errors.h"
#include "common/log.h"
#include "http/request_metrics.h"

namespace csms {

Status ConfigureLogging(const AppConfig& config) {
  log::Level level;
  if (!log::ParseLevel(config.log_level, &level))
    return errors::InvalidParameter("--log-level: debug, info, warn or error");
  if (config.log_format != "text" && config.log_format != "json") {
    return errors::InvalidParameter("--log-format: text or json");
  }
  log::SetLevel(level);
  log::SetFormat(config.log_format == "json" ? log::Format::kJson : log::Format::kText);
  return Status::OK();
}

namespace {

double Seconds(int64_t us) { return static_cast<double>(us) / 1e6; }

void CollectStore(const Store& store, metrics::Exposition& out) {
  const StoreStats s = store.stats();
  out.Family("csms_store_write_queue_depth", "gauge", "writes waiting for the database writer");
  out.Sample("csms_store_write_queue_depth", {}, s.queue_depth);
  out.Family("csms_store_writes_rejected_total", "counter", "writes refused (503) because the write queue was full");
  out.Sample("csms_store_writes_rejected_total", {}, s.rejected);
  out.Family("csms_store_writes_async_total", "counter", "writes queued without a waiting thread (Store::WriteAsync)");
  out.Sample("csms_store_writes_async_total", {}, s.async_jobs);
  out.Family("csms_store_writes_failed_total", "counter", "writes whose own transaction failed (rolled back alone)");
  out.Sample("csms_store_writes_failed_total", {}, s.jobs_failed);
  out.Family("csms_store_commits_failed_total", "counter", "write groups whose commit failed");
  out.Sample("csms_store_commits_failed_total", {}, s.groups_failed);
  // Group sizes: bucket i of StoreStats holds groups of [2^i, 2^(i+1)) writes, so its upper
  // bound is 2^(i+1) − 1; _sum is the writes of committed groups, _count the groups.
  std::array<double, StoreStats::kGroupSizeBuckets - 1> bounds{};
  for (size_t i = 0; i < bounds.size(); ++i) bounds[i] = static_cast<double>((int64_t{2} << i) - 1);
  out.Family("csms_store_write_group_size", "histogram", "writes committed together in one transaction");
  out.Histogram("csms_store_write_group_size", {}, bounds, s.group_sizes, static_cast<double>(s.jobs));
  out.Family("csms_store_commit_seconds_total", "counter", "time spent in COMMIT (with fsync), all groups together");
  out.Sample("csms_store_commit_seconds_total", {}, Seconds(s.total_commit_us));
  out.Family("csms_store_commits_total", "counter", "write groups committed");
  out.Sample("csms_store_commits_total", {}, s.groups);
  out.Family("csms_store_commit_last_seconds", "gauge", "duration of the last COMMIT");
  out.Sample("csms_store_commit_last_seconds", {}, Seconds(s.last_commit_us));
  out.Family("csms_store_commit_max_seconds", "gauge", "longest COMMIT since the start");
  out.Sample("csms_store_commit_max_seconds", {}, Seconds(s.max_commit_us));
}

void CollectBacklog(const Backlog& backlog, metrics::Exposition& out) {
  BacklogFigures f;
  Status s = backlog.Read(&f);
  out.Family("csms_backlog_read_ok", "gauge", "1 when the backlog figures below could be read from the database");
  out.Sample("csms_backlog_read_ok", {}, int64_t{s.ok() ? 1 : 0});
  if (!s.ok()) return;  // no figures rather than zeros that look healthy
  out.Family("csms_outbox_depth", "gauge", "PENDING notifications (the outbox)");
  out.Sample("csms_outbox_depth", {}, f.outbox_depth);
  out.Family("csms_outbox_oldest_due_age_seconds", "gauge",
             "how long the oldest due PENDING notification has been due (0: none is due)");
  out.Sample("csms_outbox_oldest_due_age_seconds", {}, static_cast<double>(f.outbox_oldest_due_ms) / 1e3);
  out.Family("csms_scheduler_lag_seconds", "gauge",
             "now minus the oldest due scheduler item: expiry, rotation, deletion or rotation task (0: none)");
  out.Sample("csms_scheduler_lag_seconds", {}, static_cast<double>(f.scheduler_lag_ms) / 1e3);
}

}  // namespace

void AddServerCollectors(metrics::Registry& registry, const MetricSources& src) {
  if (src.api) registry.Add([api = src.api](metrics::Exposition& out) { api->request_metrics().Collect(out); });
  if (src.http) {
    registry.Add([http = src.http](metrics::Exposition& out) {
      if (!*http) return;
      const http::ServerStats s = (*http)->stats();
      out.Family("csms_http_open_connections", "gauge", "open HTTP connections of the main listener");
      out.Sample("csms_http_open_connections", {}, s.open_connections);
      out.Family("csms_http_connections_refused_total", "counter",
                 "connections closed at once: at the cap with nothing idle to close");
      out.Sample("csms_http_connections_refused_total", {}, s.refused);
      out.Family("csms_http_idle_connections_closed_total", "counter", "idle connections closed to make room");
      out.Sample("csms_http_idle_connections_closed_total", {}, s.idle_closed);
    });
  }
  if (src.delivery) registry.Add([d = src.delivery](metrics::Exposition& out) { d->Collect(out); });
  if (src.tests) {
    registry.Add([tests = src.tests](metrics::Exposition& out) {
      out.Family("csms_test_notifications_in_flight", "gauge",
                 "test notifications sent and not yet answered or timed out (their caps: --max-tests-in-flight)");
      out.Sample("csms_test_notifications_in_flight", {}, static_cast<int64_t>(tests->TestsInFlight()));
    });
  }
  if (src.backlog) registry.Add([b = src.backlog](metrics::Exposition& out) { CollectBacklog(*b, out); });
  if (src.store) registry.Add([st = src.store](metrics::Exposition& out) { CollectStore(*st, out); });
  if (src.tokens || src.signatures) {
    registry.Add([tokens = src.tokens, signatures = src.signatures](metrics::Exposition& out) {
      if (tokens) {
        out.Family("csms_token_cache_requests_total", "counter",
                   "token validations by where the answer came from: the cache (hit) or the database (miss)");
        out.Sample("csms_token_cache_requests_total", {{"result", "hit"}}, tokens->cache_hits());
        out.Sample("csms_token_cache_requests_total", {{"result", "miss"}}, tokens->cache_misses());
      }
      if (signatures) {
        out.Family(
            "csms_access_key_lookups_total", "counter",
            "access keys read from the database for signed requests (no cache: every signed request reads its key)");
        out.Sample("csms_access_key_lookups_total", {}, signatures->key_lookups());
      }
    });
  }
}

}  // namespace csms
