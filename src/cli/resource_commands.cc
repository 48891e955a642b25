// csms secrets tag-batch / resources / users change-password: the operations the other command
// files leave out (BatchCreateOrDeleteTags, ListResourceInstances, UpdateUserPassword).
#include <memory>

#include "cli/cli_error.h"
#include "cli/context.h"
#include "cli/input.h"
#include "cli/listing.h"
#include "cli/secret_ref.h"
#include "json/writer.h"

namespace csms::cli {
namespace {

// "KEY=VALUE" into its two halves (the value may hold '='); a usage error without '='.
std::pair<std::string, std::string> SplitTag(const std::string& item, bool value_required) {
  size_t eq = item.find('=');
  if (eq == std::string::npos) {
    if (value_required) throw UsageError("a tag is KEY=VALUE: " + item);
    return {item, ""};
  }
  return {item.substr(0, eq), item.substr(eq + 1)};
}

void AddTagBatch(CLI::App* secrets, Context& ctx) {
  struct Opts {
    std::string name, action;
    std::vector<std::string> tags;
  };
  auto o = std::make_shared<Opts>();
  auto* batch = AddLeaf(secrets, "tag-batch", "create or delete up to 20 tags of a secret at once (all or nothing)",
                        ctx, [&ctx, o] {
                          json::Writer w;
                          w.StartObject().Field("action", o->action).Key("tags").StartArray();
                          for (const auto& item : o->tags) {
                            auto [key, value] = SplitTag(item, o->action == "create");
                            w.StartObject().Field("key", key).Field("value", value).EndObject();
                          }
                          w.EndArray().EndObject();
                          ApiClient& api = ctx.api();
                          std::string path = "/csms" + Segment(SecretId(api, o->name)) + "/tags/action";
                          ShowObject(ctx, api.Call("POST", api.ProjectPath(path), w.Take()));
                          if (!ctx.json()) ctx.out() << o->action << "d " << o->tags.size() << " tag(s)\n";
                        });
  batch->add_option("name", o->name, "secret name")->required();
  batch->add_option("action", o->action, "create or delete")->required()->check(CLI::IsMember({"create", "delete"}));
  batch->add_option("tags", o->tags, "KEY=VALUE for create, KEY for delete")->required();
}

void AddResources(CLI::App& app, Context& ctx) {
  struct Opts {
    std::vector<std::string> tags;
    std::string name_contains;
    int limit = 0, offset = 0;
    bool count = false;
  };
  auto o = std::make_shared<Opts>();
  auto* resources = AddLeaf(&app, "resources", "secrets by tags and name (ListResourceInstances)", ctx, [&ctx, o] {
    json::Writer w;
    w.StartObject().Field("action", o->count ? "count" : "filter");
    if (o->limit > 0) w.Field("limit", std::to_string(o->limit));
    if (o->offset > 0) w.Field("offset", std::to_string(o->offset));
    if (!o->tags.empty()) {
      w.Key("tags").StartArray();
      for (const auto& item : o->tags) {
        auto [key, values] = SplitTag(item, false);
        w.StartObject().Field("key", key).Key("values").StartArray();
        for (size_t start = 0; !values.empty() && start <= values.size();) {
          size_t comma = values.find(',', start);
          if (comma == std::string::npos) comma = values.size();
          w.String(values.substr(start, comma - start));
          start = comma + 1;
        }
        w.EndArray().EndObject();
      }
      w.EndArray();
    }
    if (!o->name_contains.empty()) {
      w.Key("matches").StartArray();
      w.StartObject().Field("key", "resource_name").Field("value", o->name_contains).EndObject();
      w.EndArray();
    }
    w.EndObject();
    ApiResponse r = ctx.api().Call("POST", ctx.api().ProjectPath("/csms/resource_instances/action"), w.Take());
    if (ctx.json()) return PrintRaw(ctx.out(), r);
    rapidjson::Document doc = ParseBody(r);
    if (o->count) {
      ctx.out() << Cell(Find(doc, "total_count"), "total_count") << '\n';
      return;
    }
    PrintTable(ctx.out(), doc["resources"],
               {{"NAME", "resource_name"},
                {"ID", "resource_id"},
                {"STATE", "resource_detail.state"},
                {"CREATED", "resource_detail.create_time"}});
  });
  resources->add_option("--tag", o->tags,
                        "KEY or KEY=V1,V2: the secret has KEY (with one of the values); repeatable, AND-ed");
  resources->add_option("--name-contains", o->name_contains, "the secret's name contains this text");
  resources->add_option("--limit", o->limit, "at most this many (server default 10)")->check(CLI::Range(1, 1000));
  resources->add_option("--offset", o->offset, "skip this many")->check(CLI::NonNegativeNumber);
  resources->add_flag("--count", o->count, "print only how many secrets match");
}

void AddChangePassword(CLI::App& app, Context& ctx) {
  CLI::App* users = app.get_subcommand("users");
  AddLeaf(users, "change-password", "change the caller's own password (old, then new, from stdin)", ctx, [&ctx] {
    std::string old_password = ReadSecretLine("Current password: ");
    std::string password = ReadSecretLine("New password: ");
    json::Writer w;
    w.StartObject().Field("old_password", old_password).Field("password", password).EndObject();
    ShowObject(ctx, ctx.api().Call("POST", "/v1/csms/users/change-password", w.Take()));
    if (!ctx.json()) ctx.out() << "password changed; every token of the user is revoked (csms login again)\n";
  });
}

}  // namespace

void AddResourceCommands(CLI::App& app, Context& ctx) {
  AddTagBatch(app.get_subcommand("secrets"), ctx);
  AddResources(app, ctx);
  AddChangePassword(app, ctx);
}

}  // namespace csms::cli
