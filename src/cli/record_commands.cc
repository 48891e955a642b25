// csms records ...: the notification-record log (list with every filter, --follow, show with the
// delivery attempts, redeliver, redrive).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include "cli/cli_error.h"
#include "cli/context.h"
#include "cli/listing.h"

namespace csms::cli {
namespace {

const std::vector<Column> kRecordColumns = {{"TIME", "create_time"},   {"STATUS", "notification_status"},
                                            {"EVENT", "event_name"},   {"TYPE", "trigger_event_type"},
                                            {"SECRET", "secret_name"}, {"TARGET", "notification_target_id"},
                                            {"RECORD_ID", "record_id"}};

// Milliseconds since the epoch, or an ISO 8601 UTC time (2026-01-02T03:04:05Z).
std::string ParseTimeArg(const std::string& flag, const std::string& text) {
  if (text.empty()) return "";
  if (text.find_first_not_of("0123456789") == std::string::npos && text.size() <= 15) return text;
  struct tm tm = {};
  const char* end = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end || (*end != 'Z' && *end != '\0') || (*end == 'Z' && end[1] != '\0')) {
    throw UsageError(flag + " must be milliseconds since the epoch or YYYY-MM-DDTHH:MM:SSZ");
  }
  return std::to_string(static_cast<int64_t>(::timegm(&tm)) * 1000);
}

struct RecordFilters {
  std::string event_name, secret_name, type, status, since, until;

  void Add(CLI::App* c) {
    c->add_option("--event-name", event_name, "only records of this event");
    c->add_option("--secret-name", secret_name, "only records of this secret");
    c->add_option("--type", type, "only this trigger event type");
    c->add_option("--status", status, "SUCCESS, FAIL, INVALID or PENDING (still being delivered)")
        ->check(CLI::IsMember({"SUCCESS", "FAIL", "INVALID", "PENDING"}));
    c->add_option("--since", since, "records created at or after (ms or YYYY-MM-DDTHH:MM:SSZ)");
    c->add_option("--until", until, "records created at or before (ms or YYYY-MM-DDTHH:MM:SSZ)");
  }
  Query ToQuery(const std::string& start_time_override = "") const {
    Query q;
    q.Add("event_name", event_name).Add("secret_name", secret_name).Add("trigger_event_type", type);
    q.Add("notification_status", status);
    q.Add("start_time", start_time_override.empty() ? ParseTimeArg("--since", since) : start_time_override);
    q.Add("end_time", ParseTimeArg("--until", until));
    return q;
  }
};

int64_t CreateTime(const rapidjson::Value& record) {
  const rapidjson::Value* t = Find(record, "create_time");
  return t && t->IsInt64() ? t->GetInt64() : 0;
}

std::string RecordId(const rapidjson::Value& record) {
  const rapidjson::Value* id = Find(record, "record_id");
  return id && id->IsString() ? id->GetString() : "";
}

// Tails the log: the newest records first, then every record that appears, oldest first. Each
// poll asks for records created since the newest seen minus `lookback` (a record hidden while
// PENDING becomes visible with its original create_time), and prints only ids not printed yet.
void Follow(Context& ctx, const RecordFilters& filters, const PageOptions& page, int interval_ms, int lookback_s) {
  ApiClient& api = ctx.api();
  std::string path = api.ProjectPath("/csms/notification-records");
  const int64_t lookback_ms = static_cast<int64_t>(lookback_s) * 1000;
  std::map<std::string, int64_t> seen;  // record id → create time, pruned behind the window
  int64_t newest = 0;
  bool header = true;
  PageOptions first;
  first.limit = page.limit > 0 ? page.limit : 10;
  for (bool initial = true;; initial = false) {
    rapidjson::Document doc;
    if (initial) {
      doc = FetchList(api, path, filters.ToQuery(), first, "records");
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
      int64_t start = std::max<int64_t>(newest - lookback_ms, 0);
      if (!filters.since.empty()) start = std::max<int64_t>(start, std::stoll(ParseTimeArg("--since", filters.since)));
      PageOptions all;
      all.all = true;
      all.limit = 1000;
      doc = FetchList(api, path, filters.ToQuery(std::to_string(start)), all, "records");
    }
    rapidjson::Value fresh(rapidjson::kArrayType);
    auto& records = doc["records"];
    for (rapidjson::SizeType i = records.Size(); i-- > 0;) {  // oldest first
      rapidjson::Value& r = records[i];
      std::string id = RecordId(r);
      if (seen.count(id)) continue;
      seen[id] = CreateTime(r);
      newest = std::max(newest, CreateTime(r));
      fresh.PushBack(rapidjson::Value(r, doc.GetAllocator()), doc.GetAllocator());
    }
    for (auto it = seen.begin(); it != seen.end();) {
      it = it->second < newest - 2 * lookback_ms ? seen.erase(it) : std::next(it);
    }
    if (ctx.json()) {
      for (const auto& r : fresh.GetArray()) ctx.out() << ToJson(r) << '\n';
    } else if (!fresh.Empty() || header) {
      PrintTable(ctx.out(), fresh, kRecordColumns, header);
      header = false;
    }
    ctx.out().flush();
  }
}

std::string RecordPath(ApiClient& api, const std::string& id, const std::string& rest = "") {
  return api.ProjectPath("/csms/notification-records" + Segment(id) + rest);
}

}  // namespace

void AddRecordCommands(CLI::App& app, Context& ctx) {
  CLI::App* records = AddGroup(&app, "records", "notification records: what each notification became");
  struct Opts {
    RecordFilters filters;
    PageOptions page;
    bool follow = false;
    int interval_ms = 2000;
    int lookback_s = 60;
    std::string id;
    int redrive_limit = 0;
  };
  auto o = std::make_shared<Opts>();

  auto* list = AddLeaf(records, "list", "list records, newest first; --follow tails new ones", ctx, [&ctx, o] {
    if (o->follow) return Follow(ctx, o->filters, o->page, o->interval_ms, o->lookback_s);
    ApiClient& api = ctx.api();
    auto doc = FetchList(api, api.ProjectPath("/csms/notification-records"), o->filters.ToQuery(), o->page, "records");
    ShowList(ctx, doc, "records", kRecordColumns);
  });
  o->filters.Add(list);
  o->page.Add(list);
  list->add_flag("-f,--follow", o->follow, "keep polling and print new records as they appear (Ctrl-C ends)");
  list->add_option("--interval-ms", o->interval_ms, "--follow: milliseconds between polls (default 2000)")
      ->check(CLI::Range(100, 3600000));
  list->add_option("--lookback", o->lookback_s,
                   "--follow: seconds before the newest record each poll looks again (default 60)")
      ->check(CLI::Range(0, 86400));

  auto* show = AddLeaf(records, "show", "one record with its delivery attempts", ctx, [&ctx, o] {
    ApiResponse r = ctx.api().Call("GET", RecordPath(ctx.api(), o->id));
    if (ctx.json()) return PrintRaw(ctx.out(), r);
    rapidjson::Document doc = ParseBody(r);
    const rapidjson::Value* record = Find(doc, "record");
    if (!record) throw CliError(kExitApiError, "the server's answer has no record");
    PrintFields(ctx.out(), *record);
    if (const rapidjson::Value* attempts = Find(*record, "attempts"); attempts && attempts->IsArray()) {
      ctx.out() << '\n';
      PrintTable(ctx.out(), *attempts,
                 {{"ATTEMPT", "number"},
                  {"TIME", "time"},
                  {"HTTP", "http_status"},
                  {"LATENCY_US", "latency_us"},
                  {"IN_DOUBT", "in_doubt"},
                  {"ERROR", "error"}});
    }
  });
  show->add_option("record_id", o->id, "record id")->required();

  auto* redeliver = AddLeaf(records, "redeliver", "deliver one record again", ctx, [&ctx, o] {
    ShowObject(ctx, ctx.api().Call("POST", RecordPath(ctx.api(), o->id, "/redeliver")), "record");
  });
  redeliver->add_option("record_id", o->id, "record id")->required();

  auto* redrive = AddLeaf(records, "redrive", "deliver again every record the filters select", ctx, [&ctx, o] {
    Query q = o->filters.ToQuery();
    if (o->redrive_limit > 0) q.Add("limit", o->redrive_limit);
    ShowObject(ctx, ctx.api().Call("POST", ctx.api().ProjectPath("/csms/notification-records/redrive" + q.str())));
  });
  o->filters.Add(redrive);
  redrive->add_option("--limit", o->redrive_limit, "at most this many records")->check(CLI::Range(1, 1000));
}

}  // namespace csms::cli
