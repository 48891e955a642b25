// csms secrets get-value / put-value / versions / version / expire / stage ...
#include <unistd.h>

#include <memory>

#include "cli/cli_error.h"
#include "cli/context.h"
#include "cli/input.h"
#include "cli/listing.h"
#include "crypto/encoding.h"
#include "json/writer.h"

namespace csms::cli {
namespace {

std::string SecretPath(ApiClient& api, const std::string& name, const std::string& rest = "") {
  return api.ProjectPath("/secrets" + Segment(name) + rest);
}

const std::vector<Column> kVersionColumns = {
    {"VERSION", "id"}, {"STAGES", "version_stages"}, {"CREATED", "create_time"}, {"EXPIRES", "expire_time"}};

void AddGetValue(CLI::App* secrets, Context& ctx) {
  struct Opts {
    std::string name, version, stage;
    bool decode = false;
  };
  auto o = std::make_shared<Opts>();
  auto* c =
      AddLeaf(secrets, "get-value", "print a secret's value (SYSCURRENT unless --version/--stage)", ctx, [&ctx, o] {
        ApiClient& api = ctx.api();
        std::string version = o->version;
        if (version.empty()) {
          std::string stage_name = o->stage.empty() ? "SYSCURRENT" : o->stage;
          rapidjson::Document stage =
              ParseBody(api.Call("GET", SecretPath(api, o->name, "/stages" + Segment(stage_name))));
          const rapidjson::Value* v = Find(stage, "stage.version_id");
          if (!v || !v->IsString()) throw CliError(kExitApiError, "the server's answer has no stage.version_id");
          version = v->GetString();
        }
        ApiResponse r = api.Call("GET", SecretPath(api, o->name, "/versions" + Segment(version)));
        if (ctx.json()) return PrintRaw(ctx.out(), r);
        rapidjson::Document doc = ParseBody(r);
        std::string value;
        if (const rapidjson::Value* s = Find(doc, "version.secret_string"); s && s->IsString()) {
          value.assign(s->GetString(), s->GetStringLength());
        } else if (const rapidjson::Value* b = Find(doc, "version.secret_binary"); b && b->IsString()) {
          value.assign(b->GetString(), b->GetStringLength());
          if (o->decode) {
            auto bytes = crypto::Base64Decode(value);
            if (!bytes) throw CliError(kExitApiError, "secret_binary is not Base64");
            value = *bytes;
          }
        } else {
          throw CliError(kExitApiError, "the server's answer has no value");
        }
        ctx.out() << value;
        if (::isatty(STDOUT_FILENO)) ctx.out() << '\n';
      });
  c->add_option("name", o->name, "secret name")->required();
  auto* version = c->add_option("--version", o->version, "version id (v3) or latest");
  c->add_option("--stage", o->stage, "stage name")->excludes(version);
  c->add_flag("--decode", o->decode, "print a binary value's bytes instead of its Base64");
}

void AddPutValue(CLI::App* secrets, Context& ctx) {
  struct Opts {
    std::string name;
    ValueOptions value;
    std::vector<std::string> stages;
    int64_t expire_time = 0;
  };
  auto o = std::make_shared<Opts>();
  auto* c = AddLeaf(secrets, "put-value", "add a version with a new value (--value-file or stdin)", ctx, [&ctx, o] {
    auto [field, value] = o->value.Read();
    json::Writer w;
    w.StartObject().Field(field, value);
    if (!o->stages.empty()) {
      w.Key("version_stages").StartArray();
      for (const auto& s : o->stages) w.String(s);
      w.EndArray();
    }
    if (o->expire_time > 0) w.Field("expire_time", o->expire_time);
    w.EndObject();
    ShowObject(ctx, ctx.api().Call("POST", SecretPath(ctx.api(), o->name, "/versions"), w.Take()), "version_metadata");
  });
  c->add_option("name", o->name, "secret name")->required();
  o->value.Add(c);
  c->add_option("--stage", o->stages, "stage(s) of the new version (default SYSCURRENT)");
  c->add_option("--expire-time", o->expire_time, "expiry, milliseconds since the epoch");
}

void AddVersions(CLI::App* secrets, Context& ctx) {
  struct Opts {
    std::string name, version;
    PageOptions page;
    int64_t expire_time = 0;
  };
  auto o = std::make_shared<Opts>();
  auto* list = AddLeaf(secrets, "versions", "a secret's versions", ctx, [&ctx, o] {
    auto doc = FetchList(ctx.api(), SecretPath(ctx.api(), o->name, "/versions"), Query(), o->page, "version_metadatas");
    ShowList(ctx, doc, "version_metadatas", kVersionColumns);
  });
  list->add_option("name", o->name, "secret name")->required();
  o->page.Add(list);

  auto* show = AddLeaf(secrets, "version", "one version's metadata (get-value prints the value)", ctx, [&ctx, o] {
    ApiResponse r = ctx.api().Call("GET", SecretPath(ctx.api(), o->name, "/versions" + Segment(o->version)));
    if (ctx.json()) return PrintRaw(ctx.out(), r);
    rapidjson::Document doc = ParseBody(r);
    const rapidjson::Value* meta = Find(doc, "version.version_metadata");
    if (meta) PrintFields(ctx.out(), *meta);
  });
  show->add_option("name", o->name, "secret name")->required();
  show->add_option("version", o->version, "version id (v3) or latest")->required();

  auto* expire = AddLeaf(secrets, "expire", "set a version's expiry time", ctx, [&ctx, o] {
    json::Writer w;
    w.StartObject().Field("expire_time", o->expire_time).EndObject();
    ShowObject(ctx, ctx.api().Call("PUT", SecretPath(ctx.api(), o->name, "/versions" + Segment(o->version)), w.Take()),
               "version_metadata");
  });
  expire->add_option("name", o->name, "secret name")->required();
  expire->add_option("version", o->version, "version id")->required();
  expire->add_option("--expire-time", o->expire_time, "milliseconds since the epoch")->required();
}

void AddStages(CLI::App* secrets, Context& ctx) {
  CLI::App* stage = AddGroup(secrets, "stage", "stages: names that point at one version");
  struct Opts {
    std::string name, stage, version;
  };
  auto o = std::make_shared<Opts>();
  auto* show = AddLeaf(stage, "show", "which version a stage points at", ctx, [&ctx, o] {
    ShowObject(ctx, ctx.api().Call("GET", SecretPath(ctx.api(), o->name, "/stages" + Segment(o->stage))), "stage");
  });
  auto* set = AddLeaf(stage, "set", "create a stage or move it to a version", ctx, [&ctx, o] {
    json::Writer w;
    w.StartObject().Field("version_id", o->version).EndObject();
    ShowObject(ctx, ctx.api().Call("PUT", SecretPath(ctx.api(), o->name, "/stages" + Segment(o->stage)), w.Take()),
               "stage");
  });
  auto* del = AddLeaf(stage, "delete", "delete a stage (not SYSCURRENT or SYSPREVIOUS)", ctx, [&ctx, o] {
    ShowObject(ctx, ctx.api().Call("DELETE", SecretPath(ctx.api(), o->name, "/stages" + Segment(o->stage))));
    if (!ctx.json()) ctx.out() << "deleted stage " << o->stage << '\n';
  });
  for (CLI::App* c : {show, set, del}) {
    c->add_option("name", o->name, "secret name")->required();
    c->add_option("stage", o->stage, "stage name")->required();
  }
  set->add_option("version", o->version, "version id (v3)")->required();
}

}  // namespace

void AddSecretVersionCommands(CLI::App* secrets, Context& ctx) {
  AddGetValue(secrets, ctx);
  AddPutValue(secrets, ctx);
  AddVersions(secrets, ctx);
  AddStages(secrets, ctx);
}

}  // namespace csms::cli
