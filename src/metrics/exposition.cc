#include "metrics/exposition.h"

#include <charconv>
#include <cmath>
#include <vector>

#include "common/utf8.h"

namespace csms::metrics {
namespace {

void AppendNumber(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    // Plain decimals ("0.0001", not "1e-04") where they stay short; exponents for huge values.
    char buf[400];
    auto [end, ec] = std::abs(v) < 1e15 ? std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed)
                                        : std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, ec == std::errc() ? end : buf);
  }
}

// HELP text escapes backslash and line feed; label values also the double quote.
void AppendEscaped(std::string& out, std::string_view text, bool quote) {
  std::string valid = utf8::Sanitize(text);
  for (char c : valid) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

}  // namespace

void Exposition::Family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  AppendEscaped(out_, help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void Exposition::Labels(std::span<const Label> labels, const Label* extra) {
  if (labels.empty() && !extra) return;
  out_ += '{';
  bool first = true;
  auto one = [&](const Label& l) {
    if (!first) out_ += ',';
    first = false;
    out_ += l.name;
    out_ += "=\"";
    AppendEscaped(out_, l.value, true);
    out_ += '"';
  };
  for (const Label& l : labels) one(l);
  if (extra) one(*extra);
  out_ += '}';
}

void Exposition::Sample(std::string_view name, std::span<const Label> labels, double value) {
  out_ += name;
  Labels(labels, nullptr);
  out_ += ' ';
  AppendNumber(out_, value);
  out_ += '\n';
}

void Exposition::Sample(std::string_view name, std::span<const Label> labels, int64_t value) {
  out_ += name;
  Labels(labels, nullptr);
  out_ += ' ';
  out_ += std::to_string(value);
  out_ += '\n';
}

void Exposition::Histogram(std::string_view name, std::span<const Label> labels, std::span<const double> bounds,
                           std::span<const int64_t> counts, double sum) {
  int64_t cumulative = 0;
  std::string bucket_name = std::string(name) + "_bucket";
  for (size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += i < counts.size() ? counts[i] : 0;
    std::string le;
    if (i < bounds.size()) {
      AppendNumber(le, bounds[i]);
    } else {
      le = "+Inf";
    }
    Label extra{"le", le};
    out_ += bucket_name;
    Labels(labels, &extra);
    out_ += ' ';
    out_ += std::to_string(cumulative);
    out_ += '\n';
  }
  Sample(std::string(name) + "_sum", labels, sum);
  Sample(std::string(name) + "_count", labels, cumulative);  // equal to the +Inf bucket, as the format requires
}

}  // namespace csms::metrics
