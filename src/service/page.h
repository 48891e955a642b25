// Page: one page of a keyset-paginated list, with the markers of spec §2.8.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace csms {

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_marker;      // present only when more items follow
  std::optional<std::string> previous_marker;  // key of the first item on this page
};

// A page whose items are already-serialised JSON objects, joined with commas: the body of the
// list array without its brackets.
struct JsonPage {
  std::string joined_items;
  size_t count = 0;
  std::optional<std::string> next_marker;
  std::optional<std::string> previous_marker;
};

}  // namespace csms
