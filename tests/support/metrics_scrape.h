// Reading a csmsd /metrics scrape in tests: the value of one series, and promtool's verdict.
#pragma once

#include <optional>
#include <string>

#include "support/http_client.h"

namespace csms::test {

// GET /metrics; the body ("" with a gtest failure when the answer is not 200).
std::string Scrape(HttpClient& client);
// The value of the series written exactly as `series` (name and labels in the server's order,
// e.g. R"(csms_outbox_depth)" or R"(csms_http_requests_total{route="/healthz",method="GET",status="200"})");
// nullopt when the scrape has no such line.
std::optional<double> SeriesValue(const std::string& scrape, const std::string& series);
// SeriesValue, 0 when absent (a counter never incremented has no series).
double CounterValue(const std::string& scrape, const std::string& series);
// Runs `promtool check metrics` on `scrape`: its exit code (127 when promtool is missing); *output
// gets what it printed.
int PromtoolCheck(const std::string& scrape, std::string* output);

}  // namespace csms::test
