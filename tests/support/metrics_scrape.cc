#include "support/metrics_scrape.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "support/temp_dir.h"

namespace csms::test {

std::string Scrape(HttpClient& client) {
  HttpResult r = client.Request("GET", "/metrics");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? r.body : "";
}

std::optional<double> SeriesValue(const std::string& scrape, const std::string& series) {
  std::istringstream in(scrape);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

double CounterValue(const std::string& scrape, const std::string& series) {
  return SeriesValue(scrape, series).value_or(0);
}

int PromtoolCheck(const std::string& scrape, std::string* output) {
  TempDir dir("csms-promtool");
  const std::string file = dir.File("scrape.txt");
  std::ofstream(file) << scrape;
  const std::string command = "promtool check metrics < '" + file + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return 127;
  output->clear();
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output->append(buf, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace csms::test
