// csms login / logout: Keystone password authentication, the token cached per profile (0600).
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/cli_error.h"
#include "cli/context.h"
#include "cli/input.h"
#include "cli/output.h"
#include "json/writer.h"

namespace csms::cli {
namespace {

std::string ReadPassword() { return ReadSecretLine("Password: "); }

std::string AuthBody(const std::string& user, const std::string& password, const std::string& domain,
                     const std::string& project_id, const std::string& project_name) {
  json::Writer w;
  w.StartObject().Key("auth").StartObject();
  w.Key("identity").StartObject().Key("methods").StartArray().String("password").EndArray();
  w.Key("password").StartObject().Key("user").StartObject().Field("name", user).Field("password", password);
  w.Key("domain").StartObject().Field("name", domain).EndObject();
  w.EndObject().EndObject().EndObject();
  w.Key("scope").StartObject().Key("project").StartObject();
  if (!project_id.empty()) {
    w.Field("id", project_id);
  } else {
    w.Field("name", project_name);
  }
  w.EndObject().EndObject();
  w.EndObject().EndObject();
  return w.Take();
}

std::string StringAt(const rapidjson::Value& doc, const std::string& path) {
  const rapidjson::Value* v = Find(doc, path);
  return v && v->IsString() ? v->GetString() : "";
}

}  // namespace

void AddLoginCommands(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string user, domain, project_name;
  };
  auto o = std::make_shared<Opts>();
  auto* login =
      AddLeaf(&app, "login", "get a token with a user's password (read from stdin) and cache it", ctx, [&ctx, o] {
        const Settings& s = ctx.settings();
        std::string user = o->user, domain = o->domain, password;
        if (s.dev) {
          if (user.empty()) user = kDevUser;
          if (domain.empty()) domain = kDevDomain;
          if (user == kDevUser) password = kDevPassword;
        }
        if (user.empty()) throw UsageError("login needs --user");
        if (domain.empty()) throw UsageError("login needs --domain");
        if (s.project_id.empty() && o->project_name.empty())
          throw UsageError("login needs --project-id or --project-name");
        if (password.empty()) password = ReadPassword();
        ApiClient anonymous(s, "none");
        ApiResponse r = anonymous.Call("POST", "/v3/auth/tokens?nocatalog=true",
                                       AuthBody(user, password, domain, s.project_id, o->project_name));
        CachedToken token;
        token.token = r.Header("x-subject-token");
        if (token.token.empty()) throw CliError(kExitApiError, "the server's answer has no X-Subject-Token");
        rapidjson::Document doc = ParseBody(r);
        token.endpoint = s.endpoint;
        token.project_id = StringAt(doc, "token.project.id");
        token.expires_at = StringAt(doc, "token.expires_at");
        token.user = user;
        if (token.project_id.empty()) throw CliError(kExitApiError, "the server's answer has no token.project.id");
        SaveToken(s, token);
        if (ctx.json()) return PrintRaw(ctx.out(), r);
        ctx.out() << "logged in to " << s.endpoint << " as " << user << " (project " << token.project_id
                  << "); token cached in " << TokenPath(s) << " until " << token.expires_at << '\n';
      });
  login->add_option("--user", o->user, "user name (with --dev: admin)");
  login->add_option("--domain", o->domain, "the user's domain (with --dev: csms)");
  login->add_option("--project-name", o->project_name, "scope by project name instead of --project-id");

  AddLeaf(&app, "logout", "revoke the cached token and forget it", ctx, [&ctx] {
    const Settings& s = ctx.settings();
    auto cached = LoadToken(s);
    if (!cached) {
      if (!ctx.json()) ctx.out() << "not logged in (profile " << s.profile << ")\n";
      return;
    }
    Settings scoped = s;
    scoped.project_id = cached->project_id;
    scoped.endpoint = cached->endpoint;
    ApiClient client(scoped, "token");
    ApiResponse r = client.Send("DELETE", "/v3/auth/tokens", "", {{"x-subject-token", cached->token}});
    RemoveToken(s);
    if (r.status >= 400 && r.status != 401 && r.status != 404) throw CliError(kExitApiError, DescribeError(r));
    if (!ctx.json()) ctx.out() << "logged out (profile " << s.profile << ")\n";
  });
}

}  // namespace csms::cli
