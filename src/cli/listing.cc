#include "cli/listing.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "cli/cli_error.h"

namespace csms::cli {
namespace {

std::string NextMarker(const rapidjson::Document& doc) {
  const rapidjson::Value* next = Find(doc, "page_info.next_marker");
  if (!next) next = Find(doc, "next_marker");
  return next && next->IsString() ? next->GetString() : "";
}

}  // namespace

void PageOptions::Add(CLI::App* command) {
  command->add_option("--limit", limit, "items per page")->check(CLI::Range(1, 1000));
  command->add_option("--marker", marker, "start after this marker (the next_marker of the previous page)");
  command->add_flag("--all", all, "follow the markers and list every page");
}

std::string ToJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

rapidjson::Document FetchList(ApiClient& api, const std::string& path, Query query, const PageOptions& page,
                              const std::string& key) {
  if (page.limit > 0) query.Add("limit", page.limit);
  rapidjson::Document merged;
  std::string marker = page.marker;
  for (int pages = 0;; ++pages) {
    Query q = query;
    q.Add("marker", marker);
    rapidjson::Document doc = ParseBody(api.Call("GET", path + q.str()));
    if (!doc.IsObject() || !doc.HasMember(key.c_str()) || !doc[key.c_str()].IsArray()) {
      throw CliError(kExitApiError, "the server's answer has no " + key + " array");
    }
    std::string next = NextMarker(doc);
    if (pages == 0) {
      merged.Swap(doc);
    } else {
      auto& items = merged[key.c_str()];
      for (auto& item : doc[key.c_str()].GetArray())
        items.PushBack(rapidjson::Value(item, merged.GetAllocator()), merged.GetAllocator());
    }
    if (!page.all || next.empty() || next == marker) break;
    marker = next;
  }
  if (page.all) {
    if (merged.HasMember("page_info")) merged.RemoveMember("page_info");
    if (merged.HasMember("next_marker")) merged.RemoveMember("next_marker");
  }
  return merged;
}

void ShowList(Context& ctx, const rapidjson::Document& doc, const std::string& key,
              const std::vector<Column>& columns) {
  if (ctx.json()) {
    ctx.out() << ToJson(doc) << '\n';
    return;
  }
  PrintTable(ctx.out(), doc[key.c_str()], columns);
  std::string next = NextMarker(doc);
  if (!next.empty()) ctx.err() << "(more: --marker " << next << ", or --all)\n";
}

void ShowObject(Context& ctx, const ApiResponse& response, const std::string& key) {
  if (ctx.json()) {
    PrintRaw(ctx.out(), response);
    return;
  }
  if (response.body.empty()) return;
  rapidjson::Document doc = ParseBody(response);
  const rapidjson::Value* v = key.empty() ? &doc : Find(doc, key);
  if (!v) throw CliError(kExitApiError, "the server's answer has no " + key);
  PrintFields(ctx.out(), *v);
}

}  // namespace csms::cli
