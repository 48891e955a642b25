#include "metrics/registry.h"

#include <utility>

namespace csms::metrics {

void Registry::Add(Collector collector) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::Render() const {
  std::vector<Collector> collectors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    collectors = collectors_;
  }
  Exposition out;
  for (const Collector& c : collectors) c(out);
  return out.text();
}

}  // namespace csms::metrics
