// csms events ...: notification rules (list, show, create, update, delete, signing-secret
// rotation, test notifications).
#include <memory>

#include "cli/cli_error.h"
#include "cli/context.h"
#include "cli/listing.h"
#include "json/writer.h"

namespace csms::cli {
namespace {

const std::vector<Column> kEventColumns = {{"NAME", "name"},
                                           {"STATE", "state"},
                                           {"TYPES", "event_types"},
                                           {"TARGET_TYPE", "notification.target_type"},
                                           {"TARGET", "notification.target_id"},
                                           {"UPDATED", "update_time"}};

struct EventFields {
  std::vector<std::string> types;
  std::string state, target_type, target_id, target_name;

  void Add(CLI::App* c, bool create) {
    auto* types_opt = c->add_option("--type", types, "event type(s): SECRET_VERSION_CREATED, SECRET_ROTATED, ...");
    auto* target_opt = c->add_option("--target-id", target_id, "SMN topic URN or webhook URL");
    c->add_option("--state", state, "ENABLED (default on create) or DISABLED")
        ->check(CLI::IsMember({"ENABLED", "DISABLED"}));
    c->add_option("--target-type", target_type, "SMN or WEBHOOK (default WEBHOOK for http(s) targets, else SMN)");
    c->add_option("--target-name", target_name, "target name (default: the event's name)");
    if (create) {
      types_opt->required();
      target_opt->required();
    }
  }
  void Write(json::Writer& w, const std::string& name, bool create) const {
    if (!types.empty()) {
      w.Key("event_types").StartArray();
      for (const auto& t : types) w.String(t);
      w.EndArray();
    }
    if (!state.empty() || create) w.Field("state", state.empty() ? "ENABLED" : state);
    if (!target_id.empty() || !target_type.empty() || !target_name.empty()) {
      if (target_id.empty()) throw UsageError("--target-type and --target-name need --target-id");
      std::string type = target_type;
      if (type.empty()) type = target_id.rfind("http", 0) == 0 ? "WEBHOOK" : "SMN";
      w.Key("notification").StartObject();
      w.Field("target_type", type).Field("target_id", target_id);
      w.Field("target_name", target_name.empty() ? name : target_name);
      w.EndObject();
    }
  }
};

std::string EventPath(ApiClient& api, const std::string& name, const std::string& rest = "") {
  return api.ProjectPath("/csms/events" + Segment(name) + rest);
}

}  // namespace

void AddEventCommands(CLI::App& app, Context& ctx) {
  CLI::App* events = AddGroup(&app, "events", "events: rules that turn secret changes into notifications");
  struct Opts {
    std::string name;
    EventFields fields;
    PageOptions page;
    int64_t overlap_seconds = -1;
  };
  auto o = std::make_shared<Opts>();

  auto* list = AddLeaf(events, "list", "list events (name order)", ctx, [&ctx, o] {
    auto doc = FetchList(ctx.api(), ctx.api().ProjectPath("/csms/events"), Query(), o->page, "events");
    ShowList(ctx, doc, "events", kEventColumns);
  });
  o->page.Add(list);

  auto* show = AddLeaf(events, "show", "one event", ctx,
                       [&ctx, o] { ShowObject(ctx, ctx.api().Call("GET", EventPath(ctx.api(), o->name)), "event"); });
  show->add_option("name", o->name, "event name")->required();

  auto* create = AddLeaf(events, "create", "create an event", ctx, [&ctx, o] {
    json::Writer w;
    w.StartObject().Field("name", o->name);
    o->fields.Write(w, o->name, true);
    w.EndObject();
    ShowObject(ctx, ctx.api().Call("POST", ctx.api().ProjectPath("/csms/events"), w.Take()), "event");
  });
  create->add_option("name", o->name, "event name")->required();
  o->fields.Add(create, true);

  auto* update = AddLeaf(events, "update", "change an event's types, state or target", ctx, [&ctx, o] {
    json::Writer w;
    w.StartObject();
    o->fields.Write(w, o->name, false);
    w.EndObject();
    ShowObject(ctx, ctx.api().Call("PUT", EventPath(ctx.api(), o->name), w.Take()), "event");
  });
  update->add_option("name", o->name, "event name")->required();
  o->fields.Add(update, false);

  auto* del = AddLeaf(events, "delete", "delete an event (refused while a secret subscribes)", ctx, [&ctx, o] {
    ShowObject(ctx, ctx.api().Call("DELETE", EventPath(ctx.api(), o->name)));
    if (!ctx.json()) ctx.out() << "deleted " << o->name << '\n';
  });
  del->add_option("name", o->name, "event name")->required();

  auto* rotate =
      AddLeaf(events, "rotate-signing-secret", "new webhook signing secret (the old one overlaps)", ctx, [&ctx, o] {
        std::string body;
        if (o->overlap_seconds >= 0) {
          json::Writer w;
          w.StartObject().Field("overlap_seconds", o->overlap_seconds).EndObject();
          body = w.Take();
        }
        ShowObject(ctx, ctx.api().Call("POST", EventPath(ctx.api(), o->name, "/rotate-signing-secret"), body));
      });
  rotate->add_option("name", o->name, "event name")->required();
  rotate->add_option("--overlap-seconds", o->overlap_seconds, "how long the old secret still signs (default 86400)");

  auto* test = AddLeaf(events, "test", "send a test notification to the event's target and wait", ctx, [&ctx, o] {
    ShowObject(ctx, ctx.api().Call("POST", EventPath(ctx.api(), o->name, "/test")), "test");
  });
  test->add_option("name", o->name, "event name")->required();
}

}  // namespace csms::cli
