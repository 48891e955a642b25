// Exposition: the Prometheus text format (version 0.0.4) of a scrape, written family by family.
// The format is a few line rules (`# HELP`, `# TYPE`, `name{label="value"} number`); label values
// are escaped here (backslash, double quote, line feed) and made valid UTF-8, and every family
// is declared once, before its samples. `promtool check metrics` checks the result in make test.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace csms::metrics {

struct Label {
  std::string_view name;
  std::string_view value;
};

class Exposition {
 public:
  // Starts a family: its # HELP and # TYPE lines. `type` is "counter", "gauge" or "histogram";
  // a counter's name ends in _total.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, std::span<const Label> labels, double value);
  void Sample(std::string_view name, std::span<const Label> labels, int64_t value);
  void Sample(std::string_view name, std::initializer_list<Label> labels, int64_t value) {
    Sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
  }
  void Sample(std::string_view name, std::initializer_list<Label> labels, double value) {
    Sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
  }
  // The samples of one histogram series: `counts` has one count per bound (upper bounds,
  // ascending, in the family's unit) plus the count above the last bound, not cumulated; the
  // _bucket lines (cumulative, with le="+Inf"), _sum and _count follow.
  void Histogram(std::string_view name, std::span<const Label> labels, std::span<const double> bounds,
                 std::span<const int64_t> counts, double sum);

  const std::string& text() const { return out_; }

 private:
  void Labels(std::span<const Label> labels, const Label* extra);

  std::string out_;
};

}  // namespace csms::metrics
