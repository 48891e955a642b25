// The Prometheus text writer and the lock-free request counters: escaping, cumulative buckets,
// and counts that match the requests recorded.
#include <gtest/gtest.h>

#include <string>

#include "http/api.h"
#include "http/request_metrics.h"
#include "metrics/exposition.h"
#include "metrics/latency_histogram.h"
#include "metrics/registry.h"

namespace csms {
namespace {

Status Ok(http::RequestContext&, http::HttpResponse&) { return Status::OK(); }

TEST(Exposition, EscapesLabelValuesAndHelp) {
  metrics::Exposition out;
  out.Family("x_total", "counter", "a \\ help\nline");
  out.Sample("x_total", {{"path", "a\"b\\c\nd"}}, int64_t{3});
  EXPECT_EQ(out.text(),
            "# HELP x_total a \\\\ help\\nline\n# TYPE x_total counter\n"
            "x_total{path=\"a\\\"b\\\\c\\nd\"} 3\n");
}

TEST(Exposition, InvalidUtf8InALabelBecomesValid) {
  metrics::Exposition out;
  out.Sample("y", {{"l", std::string("a\xff", 2)}}, 1.5);
  EXPECT_EQ(out.text().find('\xff'), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("} 1.5\n"), std::string::npos);
}

TEST(Exposition, HistogramBucketsAreCumulativeAndCountIsTheLast) {
  metrics::Exposition out;
  const double bounds[] = {0.1, 1};
  const int64_t counts[] = {2, 3, 4};
  out.Histogram("h", {}, bounds, counts, 7.5);
  EXPECT_EQ(out.text(),
            "h_bucket{le=\"0.1\"} 2\nh_bucket{le=\"1\"} 5\nh_bucket{le=\"+Inf\"} 9\nh_sum 7.5\nh_count 9\n");
}

TEST(LatencyHistogram, ObservationsLandInTheirBuckets) {
  metrics::LatencyHistogram h;
  h.Observe(50);        // ≤ 100 µs
  h.Observe(100);       // ≤ 100 µs (bounds are inclusive)
  h.Observe(30000000);  // above the last bound
  EXPECT_EQ(h.Count(), 3);
  metrics::Exposition out;
  h.Write(out, "lat", {});
  EXPECT_NE(out.text().find("lat_bucket{le=\"0.0001\"} 2\n"), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("lat_bucket{le=\"10\"} 2\n"), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("lat_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("lat_count 3\n"), std::string::npos) << out.text();
}

TEST(RequestMetrics, CountsByRouteAndStatusWithOverflowAsOther) {
  http::Router<http::Route> router;
  router.Add("GET", "/a/{id}", {Ok, http::Access::kPublic, ""});
  router.Add("POST", "/a", {Ok, http::Access::kPublic, ""});
  const http::Route* get = nullptr;
  http::PathParams params;
  ASSERT_EQ(router.Find("GET", "/a/1", &get, &params), http::Router<http::Route>::Match::kFound);
  http::RequestMetrics m(router);
  for (int i = 0; i < 5; ++i) m.Record(get, 200, 10);
  m.Record(get, 404, 10);
  m.Record(nullptr, 404, 10);
  for (int status = 400; status < 420; ++status) m.Record(get, status == 404 ? 405 : status, 1);
  EXPECT_EQ(m.Template(get), "/a/{id}");
  EXPECT_EQ(m.Template(nullptr), "unmatched");
  metrics::Exposition out;
  m.Collect(out);
  const std::string& t = out.text();
  EXPECT_NE(t.find("csms_http_requests_total{route=\"/a/{id}\",method=\"GET\",status=\"200\"} 5\n"), std::string::npos)
      << t;
  EXPECT_NE(t.find("csms_http_requests_total{route=\"/a/{id}\",method=\"GET\",status=\"404\"} 1\n"), std::string::npos);
  EXPECT_NE(t.find("csms_http_requests_total{route=\"unmatched\",method=\"any\",status=\"404\"} 1\n"),
            std::string::npos);
  // 12 distinct statuses fit; the rest of the 20 recorded above count as "other".
  EXPECT_NE(t.find("status=\"other\"} "), std::string::npos) << t;
  EXPECT_NE(t.find("csms_http_request_duration_seconds_count{route=\"/a/{id}\",method=\"GET\"} 26\n"),
            std::string::npos)
      << t;
  EXPECT_EQ(t.find("route=\"/a\",method=\"POST\""), std::string::npos);  // never called: no series
}

TEST(Registry, RendersEveryCollectorInOrder) {
  metrics::Registry r;
  r.Add([](metrics::Exposition& out) { out.Sample("first", {}, int64_t{1}); });
  r.Add([](metrics::Exposition& out) { out.Sample("second", {}, int64_t{2}); });
  EXPECT_EQ(r.Render(), "first 1\nsecond 2\n");
}

}  // namespace
}  // namespace csms
