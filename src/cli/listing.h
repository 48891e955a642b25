// Listings shared by the commands: one page or (--all) every page following the API's markers,
// shown as a table or as JSON.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "cli/context.h"
#include "cli/output.h"

namespace csms::cli {

struct PageOptions {
  int limit = 0;  // 0 = the server's default
  std::string marker;
  bool all = false;

  void Add(CLI::App* command);
};

// GET path+query (+limit, +marker). With page.all, follows page_info.next_marker (or a top-level
// next_marker) and concatenates the `key` arrays into one document.
rapidjson::Document FetchList(ApiClient& api, const std::string& path, Query query, const PageOptions& page,
                              const std::string& key);

// --output json: the document; otherwise a table of `key`, and on stderr how to get the next page.
void ShowList(Context& ctx, const rapidjson::Document& doc, const std::string& key, const std::vector<Column>& columns);

// A document as compact JSON text.
std::string ToJson(const rapidjson::Value& value);

// Shows the answer of a command on one resource: --output json the body as it came; otherwise the
// members of `key` (the whole body when empty) as "name: value" lines.
void ShowObject(Context& ctx, const ApiResponse& response, const std::string& key = "");

}  // namespace csms::cli
