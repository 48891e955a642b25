// csms check / csms checker ...: the strength estimate of a candidate value (CheckSecrets) and
// the project's strength check on new values (ShowSecretsConfig, UpdateSecretsConfig). The value
// to check comes from a file or stdin, never from an argument unless asked (as secrets create).
#include <memory>

#include "cli/cli_error.h"
#include "cli/context.h"
#include "cli/input.h"
#include "cli/listing.h"
#include "json/writer.h"

namespace csms::cli {
namespace {

void AddCheck(CLI::App& app, Context& ctx) {
  struct Opts {
    ValueOptions value;
    std::string type = "password";
    std::vector<std::string> user_inputs;
  };
  auto o = std::make_shared<Opts>();
  auto* check = AddLeaf(&app, "check", "estimate how guessable a value is (zxcvbn), never storing it", ctx, [&ctx, o] {
    auto [field, value] = o->value.Read();
    if (value.empty()) throw UsageError("the value to check is empty");
    json::Writer w;
    w.StartObject().Field("type", o->type).Key("data").StartObject().Field("secret_string", value);
    if (!o->user_inputs.empty()) {
      w.Key("user_inputs").StartArray();
      for (const auto& input : o->user_inputs) w.String(input);
      w.EndArray();
    }
    w.EndObject().EndObject();
    ShowObject(ctx, ctx.api().Call("POST", ctx.api().ProjectPath("/secrets/checker/check"), w.Take()), "data");
  });
  check->add_option("--value-file", o->value.file, "read the value from FILE (- = stdin; stdin is the default)");
  check->add_option("--value", o->value.value, "the value itself (lands in shell history: needs --allow-value-arg)");
  check->add_flag("--allow-value-arg", o->value.allow_value_arg, "accept --value");
  check->add_option("--user-input", o->user_inputs,
                    "a word that counts as guessable, e.g. the user's name (repeatable)");
  check->add_option("--type", o->type, "the request's type, echoed back (default password)");
}

void AddCheckerConfig(CLI::App& app, Context& ctx) {
  CLI::App* checker = AddGroup(&app, "checker", "the project's strength check of new secret values");
  AddLeaf(checker, "show", "whether weak values are refused", ctx,
          [&ctx] { ShowObject(ctx, ctx.api().Call("GET", ctx.api().ProjectPath("/secrets/checker/config"))); });
  auto strength = std::make_shared<std::string>();
  auto* set = AddLeaf(checker, "set", "turn the strength check on or off", ctx, [&ctx, strength] {
    json::Writer w;
    w.StartObject().Field("checking_secret_strength", *strength == "true").EndObject();
    ShowObject(ctx, ctx.api().Call("POST", ctx.api().ProjectPath("/secrets/checker/config"), w.Take()));
  });
  set->add_option("--strength-check", *strength,
                  "true: CreateSecret, CreateSecretVersion and batch import refuse weak values")
      ->required()
      ->check(CLI::IsMember({"true", "false"}));
}

// csms function-template: the rotation function (Python) of ShowSecretFunctionTemplates.
void AddFunctionTemplate(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string secret_type, sub_type, engine, out;
  };
  auto o = std::make_shared<Opts>();
  auto* tmpl =
      AddLeaf(&app, "function-template", "the rotation function (Python) for a database secret type", ctx, [&ctx, o] {
        Query q;
        q.Add("secret_type", o->secret_type).Add("secret_sub_type", o->sub_type).Add("engine", o->engine);
        ApiResponse r = ctx.api().Call("GET", "/v1/csms/function-templates" + q.str());
        if (ctx.json()) return PrintRaw(ctx.out(), r);
        rapidjson::Document doc = ParseBody(r);
        const rapidjson::Value* text = Find(doc, "function_templates");
        if (!text || !text->IsString()) throw CliError(kExitApiError, "the server's answer has no function_templates");
        std::string code(text->GetString(), text->GetStringLength());
        if (o->out.empty()) {
          ctx.out() << code;
        } else {
          WritePrivateFile(o->out, code);
        }
      });
  tmpl->add_option("--secret-type", o->secret_type, "RDS-FG or GaussDB-FG")
      ->required()
      ->check(CLI::IsMember({"RDS-FG", "GaussDB-FG"}));
  tmpl->add_option("--sub-type", o->sub_type, "SingleUser or MultiUser")
      ->required()
      ->check(CLI::IsMember({"SingleUser", "MultiUser"}));
  tmpl->add_option("--engine", o->engine, "mysql, postgresql or sqlserver (RDS-FG; GaussDB-FG: mysql or none)");
  tmpl->add_option("--out", o->out, "write the script to FILE (created 0600) instead of stdout");
}

}  // namespace

void AddCheckerCommands(CLI::App& app, Context& ctx) {
  AddCheck(app, ctx);
  AddCheckerConfig(app, ctx);
  AddFunctionTemplate(app, ctx);
}

}  // namespace csms::cli
