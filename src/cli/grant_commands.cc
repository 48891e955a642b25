// csms grants ...: sharing one secret with a user or group of the domain (CreateGrants,
// ListGrants, UpdateGrant, DeleteGrant). Grants address the secret by id; the commands take its
// name (or, with --id, the id itself).
#include <algorithm>
#include <cctype>
#include <memory>

#include "cli/cli_error.h"
#include "cli/context.h"
#include "cli/listing.h"
#include "cli/secret_ref.h"
#include "json/writer.h"

namespace csms::cli {
namespace {

struct GrantOptions {
  std::string secret;
  bool by_id = false;
  std::string user, group, valid_until;

  void AddSecret(CLI::App* c) {
    c->add_option("secret", secret, "secret name (its id with --id)")->required();
    c->add_flag("--id", by_id, "SECRET is the secret's id, not its name");
  }
  // --user ID or --group ID, not both (Body() requires one).
  void AddGrantee(CLI::App* c) {
    auto* u = c->add_option("--user", user, "grantee user id");
    auto* g = c->add_option("--group", group, "grantee group id (csmsd admin create-group)");
    u->excludes(g);
  }
  void AddValidity(CLI::App* c) {
    c->add_option("--valid-until", valid_until,
                  "end of the grant: epoch milliseconds or \"YYYY-MM-DD HH:MM:SS\" (UTC); default: until deleted");
  }

  std::string ResourceId(ApiClient& api) const { return by_id ? secret : SecretId(api, secret); }
  std::string GranteeType() const { return user.empty() ? "2" : "0"; }
  std::string Grantee() const { return user.empty() ? group : user; }

  // GrantReq: {"resource_id","type","grantee_type","grantee_target_id","validity_time"?}.
  std::string Body(const std::string& resource_id) const {
    if (Grantee().empty()) throw UsageError("name the grantee with --user ID or --group ID");
    json::Writer w;
    w.StartObject().Field("resource_id", resource_id).Field("type", "SECRET");
    w.Field("grantee_type", GranteeType()).Field("grantee_target_id", Grantee());
    if (!valid_until.empty()) {
      bool digits =
          std::all_of(valid_until.begin(), valid_until.end(), [](unsigned char c) { return std::isdigit(c); });
      if (digits && valid_until.size() <= 18) {
        w.Field("validity_time", static_cast<int64_t>(std::stoll(valid_until)));
      } else {
        w.Field("validity_time", valid_until);
      }
    }
    w.EndObject();
    return w.Take();
  }
};

std::string GrantsPath(ApiClient& api, const std::string& resource_id) {
  return api.ProjectPath("/csms/grants") + Query().Add("resource_id", resource_id).str();
}

}  // namespace

void AddGrantCommands(CLI::App& app, Context& ctx) {
  CLI::App* grants = AddGroup(&app, "grants", "grants: share one secret with a user or group of the domain");
  auto o = std::make_shared<GrantOptions>();

  auto* list = AddLeaf(grants, "list", "the grants of a secret", ctx, [&ctx, o] {
    ApiResponse r = ctx.api().Call("GET", GrantsPath(ctx.api(), o->ResourceId(ctx.api())));
    if (ctx.json()) return PrintRaw(ctx.out(), r);
    rapidjson::Document doc = ParseBody(r);
    const rapidjson::Value* users = Find(doc, "data.grantee_user");
    if (!users || !users->IsArray()) throw CliError(kExitApiError, "the server's answer has no data.grantee_user");
    PrintTable(ctx.out(), *users,
               {{"GRANTEE", "user_id"},
                {"NAME", "user_name"},
                {"GRANTEE_TYPE", "grantee_type"},
                {"STATE", "state"},
                {"CREATED", "create_time"},
                {"VALID_UNTIL", "validity_time"}});
  });
  o->AddSecret(list);

  auto* create = AddLeaf(grants, "create", "grant a user or group access to a secret", ctx, [&ctx, o] {
    std::string id = o->ResourceId(ctx.api());
    ShowObject(ctx, ctx.api().Call("POST", ctx.api().ProjectPath("/csms/grants"), o->Body(id)), "data");
  });
  o->AddSecret(create);
  o->AddGrantee(create);
  o->AddValidity(create);

  auto* update = AddLeaf(grants, "update", "change until when a grant is valid", ctx, [&ctx, o] {
    std::string id = o->ResourceId(ctx.api());
    ShowObject(ctx, ctx.api().Call("PUT", GrantsPath(ctx.api(), id), o->Body(id)), "data");
  });
  o->AddSecret(update);
  o->AddGrantee(update);
  o->AddValidity(update);

  auto* del =
      AddLeaf(grants, "delete", "revoke one grantee's grant, or (without --user/--group) every grant", ctx, [&ctx, o] {
        std::string id = o->ResourceId(ctx.api());
        Query q;
        q.Add("resource_id", id).Add("grantee_user", o->Grantee());
        ctx.api().Call("DELETE", ctx.api().ProjectPath("/csms/grants") + q.str());
        if (!ctx.json()) {
          ctx.out() << "revoked " << (o->Grantee().empty() ? "every grant" : "the grant of " + o->Grantee()) << " on "
                    << o->secret << '\n';
        }
      });
  o->AddSecret(del);
  o->AddGrantee(del);
}

}  // namespace csms::cli
