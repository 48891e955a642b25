// What `csms` prints: with --output json the API's JSON as it came (scripts parse it), otherwise
// tables and "key: value" lines for people. Times in milliseconds are shown as ISO 8601 (UTC).
#pragma once

#include <rapidjson/document.h>

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "cli/api_client.h"

namespace csms::cli {

struct Column {
  std::string header;
  std::string path;  // member name, "a.b" for nested members
};

// Text from the server made safe for a terminal: UTF-8 sanitised, control characters replaced.
std::string Printable(std::string_view text);

// The body as a JSON document; throws CliError (API error) when it is not JSON.
rapidjson::Document ParseBody(const ApiResponse& response);

// One cell: strings as they are, numbers (ISO 8601 when the member name ends in "_time" and it is
// a millisecond count), booleans, arrays of scalars joined by ",", "-" for null or absent.
std::string Cell(const rapidjson::Value* value, const std::string& name);
const rapidjson::Value* Find(const rapidjson::Value& object, const std::string& path);

// Rows of `array` (objects) under the column headers, columns padded to their widest cell.
void PrintTable(std::ostream& out, const rapidjson::Value& array, const std::vector<Column>& columns,
                bool header = true);
// Every member of `object` as "name: value", nested objects flattened to "a.b: value".
void PrintFields(std::ostream& out, const rapidjson::Value& object, const std::string& prefix = "");

// The body followed by a newline (nothing for an empty body): --output json.
void PrintRaw(std::ostream& out, const ApiResponse& response);

}  // namespace csms::cli
