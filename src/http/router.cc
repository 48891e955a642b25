#include "http/router.h"

namespace csms::http {

const std::string& PathParams::Get(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : values) {
    if (k == name) return v;
  }
  return kEmpty;
}

namespace {

// Calls emit(segment) for each segment of "/a/b/c"; false on an empty segment or when emit says stop.
template <typename Emit>
bool ForEachSegment(std::string_view path, Emit emit) {
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return true;
  size_t pos = 0;
  for (;;) {
    size_t slash = path.find('/', pos);
    std::string_view seg = path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (seg.empty() || !emit(seg)) return false;
    if (slash == std::string_view::npos) return true;
    pos = slash + 1;
  }
}

}  // namespace

bool SplitPath(std::string_view path, std::vector<std::string_view>* out) {
  out->clear();
  return ForEachSegment(path, [&](std::string_view seg) {
    out->push_back(seg);
    return true;
  });
}

bool SplitPath(std::string_view path, std::string_view* out, size_t capacity, size_t* count) {
  size_t n = 0;
  bool ok = ForEachSegment(path, [&](std::string_view seg) {
    if (n == capacity) return false;
    out[n++] = seg;
    return true;
  });
  *count = n;
  return ok;
}

}  // namespace csms::http
