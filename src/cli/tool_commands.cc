// csms tasks / password / tags / users / agencies: the remaining API areas.
#include <memory>

#include "cli/cli_error.h"
#include "cli/context.h"
#include "cli/listing.h"
#include "json/writer.h"

namespace csms::cli {
namespace {

void AddTasks(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string secret_name, status, task_id;
    PageOptions page;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* tasks = AddGroup(&app, "tasks", "rotation tasks");
  auto* list = AddLeaf(tasks, "list", "list rotation tasks", ctx, [&ctx, o] {
    Query q;
    q.Add("secret_name", o->secret_name).Add("status", o->status).Add("task_id", o->task_id);
    auto doc = FetchList(ctx.api(), ctx.api().ProjectPath("/csms/tasks"), q, o->page, "tasks");
    ShowList(ctx, doc, "tasks",
             {{"TASK_ID", "task_id"},
              {"SECRET", "secret_name"},
              {"STATUS", "task_status"},
              {"OPERATION", "operate_type"},
              {"TIME", "task_time"},
              {"VERSION", "version_id"},
              {"ERROR", "task_error_code"}});
  });
  list->add_option("--secret-name", o->secret_name, "only tasks of this secret");
  list->add_option("--status", o->status, "SUCCESS, FAILED or RUNNING")
      ->check(CLI::IsMember({"SUCCESS", "FAILED", "RUNNING"}));
  list->add_option("--task-id", o->task_id, "one task");
  o->page.Add(list);
}

void AddPassword(CLI::App& app, Context& ctx) {
  struct Opts {
    int length = 0;
    std::string exclude;
    bool no_lower = false, no_upper = false, no_numbers = false, no_punctuation = false, space = false, each = false;
  };
  auto o = std::make_shared<Opts>();
  auto* password = AddLeaf(&app, "password", "generate a random password on the server", ctx, [&ctx, o] {
    json::Writer w;
    w.StartObject();
    if (o->length > 0) w.Field("length", static_cast<int64_t>(o->length));
    if (!o->exclude.empty()) w.Field("exclude_characters", o->exclude);
    if (o->no_lower) w.Field("exclude_lowercase", true);
    if (o->no_upper) w.Field("exclude_uppercase", true);
    if (o->no_numbers) w.Field("exclude_numbers", true);
    if (o->no_punctuation) w.Field("exclude_punctuation", true);
    if (o->space) w.Field("include_space", true);
    if (o->each) w.Field("require_each_included_type", true);
    w.EndObject();
    ApiResponse r = ctx.api().Call("POST", ctx.api().ProjectPath("/csms/generate-password"), w.Take());
    if (ctx.json()) return PrintRaw(ctx.out(), r);
    rapidjson::Document doc = ParseBody(r);
    const rapidjson::Value* p = Find(doc, "password");
    if (!p || !p->IsString()) throw CliError(kExitApiError, "the server's answer has no password");
    ctx.out() << p->GetString() << '\n';
  });
  password->add_option("--length", o->length, "length");
  password->add_option("--exclude-characters", o->exclude, "characters never to use");
  password->add_flag("--no-lowercase", o->no_lower, "no a-z");
  password->add_flag("--no-uppercase", o->no_upper, "no A-Z");
  password->add_flag("--no-numbers", o->no_numbers, "no 0-9");
  password->add_flag("--no-punctuation", o->no_punctuation, "no punctuation");
  password->add_flag("--include-space", o->space, "may contain spaces");
  password->add_flag("--require-each-type", o->each, "at least one of each included type");
}

void AddIdentity(CLI::App& app, Context& ctx) {
  AddLeaf(&app, "tags", "every tag key of the project with its values", ctx, [&ctx] {
    ApiResponse r = ctx.api().Call("GET", ctx.api().ProjectPath("/csms/tags"));
    if (ctx.json()) return PrintRaw(ctx.out(), r);
    rapidjson::Document doc = ParseBody(r);
    PrintTable(ctx.out(), doc["tags"], {{"KEY", "key"}, {"VALUES", "values"}});
  });

  struct Opts {
    int offset = 0, limit = 0;
    std::string id, secret_type;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* users = AddGroup(&app, "users", "the users of the caller's domain");
  auto* list = AddLeaf(users, "list", "list users", ctx, [&ctx, o] {
    // ListUsers requires both (limit 10-100).
    Query q;
    q.Add("offset", o->offset).Add("limit", o->limit > 0 ? o->limit : 100);
    ApiResponse r = ctx.api().Call("GET", "/v1/csms/users" + q.str());
    if (ctx.json()) return PrintRaw(ctx.out(), r);
    rapidjson::Document doc = ParseBody(r);
    PrintTable(ctx.out(), doc["users"],
               {{"USER_ID", "user_id"}, {"NAME", "user_name"}, {"DISABLED", "disabled"}, {"CREATED", "created_at"}});
  });
  list->add_option("--offset", o->offset, "skip this many (default 0)")->check(CLI::NonNegativeNumber);
  list->add_option("--limit", o->limit, "at most this many, 10-100 (default 100)")->check(CLI::Range(10, 100));
  auto* show = AddLeaf(users, "show", "one user", ctx,
                       [&ctx, o] { ShowObject(ctx, ctx.api().Call("GET", "/v1/csms/users" + Segment(o->id))); });
  show->add_option("user_id", o->id, "user id")->required();

  CLI::App* agencies = AddGroup(&app, "agencies", "agencies that authorise database-secret rotation");
  auto* agency_show = AddLeaf(agencies, "show", "whether an agency is granted", ctx, [&ctx, o] {
    ShowObject(ctx, ctx.api().Call("GET", "/v1/csms/agencies" + Query().Add("secret_type", o->secret_type).str()));
  });
  auto* agency_create = AddLeaf(agencies, "create", "grant the agency", ctx, [&ctx, o] {
    json::Writer w;
    w.StartObject().Field("secret_type", o->secret_type).EndObject();
    ShowObject(ctx, ctx.api().Call("POST", "/v1/csms/agencies", w.Take()));
  });
  for (CLI::App* c : {agency_show, agency_create}) {
    c->add_option("secret_type", o->secret_type, "RDS-FG or GaussDB-FG")
        ->required()
        ->check(CLI::IsMember({"RDS-FG", "GaussDB-FG"}));
  }
}

}  // namespace

void AddToolCommands(CLI::App& app, Context& ctx) {
  AddTasks(app, ctx);
  AddPassword(app, ctx);
  AddIdentity(app, ctx);
}

}  // namespace csms::cli
