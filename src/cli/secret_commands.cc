// csms secrets ...: the secrets themselves (create, list, show, update, delete, scheduled
// deletion, restore, rotate, backup blobs, batch import, tags). Versions and stages:
// secret_version_commands.cc.
#include <unistd.h>

#include <memory>

#include "cli/cli_error.h"
#include "cli/context.h"
#include "cli/input.h"
#include "cli/listing.h"
#include "cli/secret_ref.h"
#include "json/writer.h"

namespace csms::cli {
namespace {

const std::vector<Column> kSecretColumns = {{"NAME", "name"},           {"STATE", "state"},
                                            {"TYPE", "secret_type"},    {"EVENTS", "event_subscriptions"},
                                            {"CREATED", "create_time"}, {"DELETES_AT", "scheduled_delete_time"}};

std::string SecretPath(ApiClient& api, const std::string& name, const std::string& rest = "") {
  return api.ProjectPath("/secrets" + Segment(name) + rest);
}

struct SecretFields {
  std::string description, kms_key_id, secret_type, rotation_period, rotation_func_urn, auto_rotation;
  std::vector<std::string> events;
  bool clear_events = false;

  void Add(CLI::App* c, bool create) {
    c->add_option("--description", description, "description");
    c->add_option("--kms-key-id", kms_key_id, "key id");
    if (create) c->add_option("--type", secret_type, "COMMON (default), RDS-FG, GaussDB-FG");
    c->add_option("--event", events, "name of an event the secret subscribes to");
    if (!create) c->add_flag("--clear-events", clear_events, "unsubscribe from every event");
    c->add_option("--auto-rotation", auto_rotation, "true or false")->check(CLI::IsMember({"true", "false"}));
    c->add_option("--rotation-period", rotation_period, "e.g. 30d, 6h");
    c->add_option("--rotation-func-urn", rotation_func_urn, "http(s) URL of a rotation function");
  }
  void Write(json::Writer& w) const {
    if (!description.empty()) w.Field("description", description);
    if (!kms_key_id.empty()) w.Field("kms_key_id", kms_key_id);
    if (!secret_type.empty()) w.Field("secret_type", secret_type);
    if (!events.empty() || clear_events) {
      w.Key("event_subscriptions").StartArray();
      for (const auto& e : events) w.String(e);
      w.EndArray();
    }
    if (!auto_rotation.empty()) w.Field("auto_rotation", auto_rotation == "true");
    if (!rotation_period.empty()) w.Field("rotation_period", rotation_period);
    if (!rotation_func_urn.empty()) w.Field("rotation_func_urn", rotation_func_urn);
  }
};

void AddCreate(CLI::App* secrets, Context& ctx) {
  struct Opts {
    std::string name;
    ValueOptions value;
    SecretFields fields;
  };
  auto o = std::make_shared<Opts>();
  auto* c = AddLeaf(secrets, "create", "create a secret; the value from --value-file or stdin", ctx, [&ctx, o] {
    auto [field, value] = o->value.Read();
    json::Writer w;
    w.StartObject().Field("name", o->name).Field(field, value);
    o->fields.Write(w);
    w.EndObject();
    ShowObject(ctx, ctx.api().Call("POST", ctx.api().ProjectPath("/secrets"), w.Take()), "secret");
  });
  c->add_option("name", o->name, "secret name")->required();
  o->value.Add(c);
  o->fields.Add(c, true);
}

void AddUpdate(CLI::App* secrets, Context& ctx) {
  struct Opts {
    std::string name;
    SecretFields fields;
  };
  auto o = std::make_shared<Opts>();
  auto* c = AddLeaf(secrets, "update", "change a secret's description, key, events or rotation", ctx, [&ctx, o] {
    json::Writer w;
    w.StartObject();
    o->fields.Write(w);
    w.EndObject();
    ShowObject(ctx, ctx.api().Call("PUT", SecretPath(ctx.api(), o->name), w.Take()), "secret");
  });
  c->add_option("name", o->name, "secret name")->required();
  o->fields.Add(c, false);
}

void AddListShowDelete(CLI::App* secrets, Context& ctx) {
  struct ListOpts {
    PageOptions page;
    std::string event_name;
  };
  auto l = std::make_shared<ListOpts>();
  auto* list = AddLeaf(secrets, "list", "list secrets (name order)", ctx, [&ctx, l] {
    auto doc = FetchList(ctx.api(), ctx.api().ProjectPath("/secrets"), Query().Add("event_name", l->event_name),
                         l->page, "secrets");
    ShowList(ctx, doc, "secrets", kSecretColumns);
  });
  l->page.Add(list);
  list->add_option("--event-name", l->event_name, "only secrets subscribed to this event");

  auto name = std::make_shared<std::string>();
  auto* show = AddLeaf(secrets, "show", "a secret's metadata (never its value)", ctx, [&ctx, name] {
    ShowObject(ctx, ctx.api().Call("GET", SecretPath(ctx.api(), *name)), "secret");
  });
  show->add_option("name", *name, "secret name")->required();

  auto del = AddLeaf(secrets, "delete", "delete a secret and all its versions at once", ctx, [&ctx, name] {
    ShowObject(ctx, ctx.api().Call("DELETE", SecretPath(ctx.api(), *name)));
    if (!ctx.json()) ctx.out() << "deleted " << *name << '\n';
  });
  del->add_option("name", *name, "secret name")->required();

  auto days = std::make_shared<int>(30);
  auto* schedule =
      AddLeaf(secrets, "schedule-delete", "delete a secret after a recovery window", ctx, [&ctx, name, days] {
        json::Writer w;
        w.StartObject().Field("recovery_window_in_days", static_cast<int64_t>(*days)).EndObject();
        ShowObject(ctx,
                   ctx.api().Call("POST", SecretPath(ctx.api(), *name, "/scheduled-deleted-tasks/create"), w.Take()),
                   "secret");
      });
  schedule->add_option("name", *name, "secret name")->required();
  schedule->add_option("--days", *days, "recovery window in days (7-30, default 30)");

  auto* restore = AddLeaf(secrets, "restore", "cancel a scheduled deletion", ctx, [&ctx, name] {
    ShowObject(ctx, ctx.api().Call("POST", SecretPath(ctx.api(), *name, "/scheduled-deleted-tasks/cancel")), "secret");
  });
  restore->add_option("name", *name, "secret name")->required();

  auto* rotate = AddLeaf(secrets, "rotate", "rotate a secret now", ctx, [&ctx, name] {
    ShowObject(ctx, ctx.api().Call("POST", SecretPath(ctx.api(), *name, "/rotate")));
  });
  rotate->add_option("name", *name, "secret name")->required();
}

void AddBackup(CLI::App* secrets, Context& ctx) {
  struct Opts {
    std::string name, file = "-";
  };
  auto o = std::make_shared<Opts>();
  auto* backup = AddLeaf(secrets, "backup", "download a sealed backup blob of a secret", ctx, [&ctx, o] {
    ApiResponse r = ctx.api().Call("POST", SecretPath(ctx.api(), o->name, "/backup"));
    if (ctx.json()) return PrintRaw(ctx.out(), r);
    rapidjson::Document doc = ParseBody(r);
    const rapidjson::Value* blob = Find(doc, "secret_blob");
    if (!blob || !blob->IsString()) throw CliError(kExitApiError, "the server's answer has no secret_blob");
    WritePrivateFile(o->file, std::string(blob->GetString(), blob->GetStringLength()) + "\n");
  });
  backup->add_option("name", o->name, "secret name")->required();
  backup->add_option("--out", o->file, "write the blob to FILE (created 0600; default stdout)");

  auto in = std::make_shared<std::string>("-");
  auto* restore = AddLeaf(secrets, "restore-backup", "recreate a secret from a backup blob", ctx, [&ctx, in] {
    std::string blob = ReadFileOrStdin(*in);
    while (!blob.empty() && (blob.back() == '\n' || blob.back() == '\r')) blob.pop_back();
    json::Writer w;
    w.StartObject().Field("secret_blob", blob).EndObject();
    ShowObject(ctx, ctx.api().Call("POST", ctx.api().ProjectPath("/secrets/restore"), w.Take()), "secret");
  });
  restore->add_option("--in", *in, "read the blob from FILE (default stdin)");

  auto file = std::make_shared<std::string>();
  auto* import =
      AddLeaf(secrets, "import", "batch import: FILE holds {\"secrets\":[CreateSecret bodies]}", ctx, [&ctx, file] {
        ApiResponse r = ctx.api().Call("POST", ctx.api().ProjectPath("/secrets/batch-import"), ReadFileOrStdin(*file));
        ShowObject(ctx, r);
      });
  import->add_option("file", *file, "JSON file (- = stdin)")->required();
}

void AddTags(CLI::App* secrets, Context& ctx) {
  struct Opts {
    std::string name, key, value;
  };
  auto o = std::make_shared<Opts>();
  auto* tags = AddLeaf(secrets, "tags", "a secret's tags", ctx, [&ctx, o] {
    ApiClient& api = ctx.api();
    ApiResponse r = api.Call("GET", api.ProjectPath("/csms" + Segment(SecretId(api, o->name)) + "/tags"));
    if (ctx.json()) return PrintRaw(ctx.out(), r);
    rapidjson::Document doc = ParseBody(r);
    PrintTable(ctx.out(), doc["tags"], {{"KEY", "key"}, {"VALUE", "value"}});
  });
  tags->add_option("name", o->name, "secret name")->required();

  auto* tag = AddLeaf(secrets, "tag", "add or change a tag of a secret", ctx, [&ctx, o] {
    ApiClient& api = ctx.api();
    json::Writer w;
    w.StartObject().Key("tag").StartObject().Field("key", o->key).Field("value", o->value).EndObject().EndObject();
    ShowObject(ctx, api.Call("POST", api.ProjectPath("/csms" + Segment(SecretId(api, o->name)) + "/tags"), w.Take()));
  });
  tag->add_option("name", o->name, "secret name")->required();
  tag->add_option("key", o->key, "tag key")->required();
  tag->add_option("value", o->value, "tag value")->required();

  auto* untag = AddLeaf(secrets, "untag", "remove a tag from a secret", ctx, [&ctx, o] {
    ApiClient& api = ctx.api();
    ShowObject(ctx, api.Call("DELETE",
                             api.ProjectPath("/csms" + Segment(SecretId(api, o->name)) + "/tags" + Segment(o->key))));
  });
  untag->add_option("name", o->name, "secret name")->required();
  untag->add_option("key", o->key, "tag key")->required();
}

}  // namespace

void AddSecretCommands(CLI::App& app, Context& ctx) {
  CLI::App* secrets = AddGroup(&app, "secrets", "secrets, their values, versions and stages");
  AddCreate(secrets, ctx);
  AddListShowDelete(secrets, ctx);
  AddUpdate(secrets, ctx);
  AddBackup(secrets, ctx);
  AddTags(secrets, ctx);
  AddSecretVersionCommands(secrets, ctx);
}

}  // namespace csms::cli
