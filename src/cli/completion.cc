// csms completion bash: a bash completion script generated from the command tree itself, so it
// never falls behind the commands.
#include <memory>
#include <sstream>

#include "cli/context.h"

namespace csms::cli {
namespace {

// Words safe inside a double-quoted bash string (command and option names are [a-z0-9-]).
void Walk(const CLI::App* app, const std::string& path, std::ostringstream& subs, std::ostringstream& opts) {
  std::string sub_words, opt_words;
  for (const CLI::App* sub : app->get_subcommands({})) {
    if (sub->get_name().empty()) continue;
    sub_words += (sub_words.empty() ? "" : " ") + sub->get_name();
  }
  for (const CLI::Option* opt : app->get_options({})) {
    for (const auto& l : opt->get_lnames()) opt_words += (opt_words.empty() ? "--" : " --") + l;
  }
  subs << "  [\"" << path << "\"]=\"" << sub_words << "\"\n";
  opts << "  [\"" << path << "\"]=\"" << opt_words << "\"\n";
  for (const CLI::App* sub : app->get_subcommands({})) {
    if (!sub->get_name().empty()) Walk(sub, path + " " + sub->get_name(), subs, opts);
  }
}

std::string BashScript(const CLI::App& root) {
  std::ostringstream subs, opts;
  Walk(&root, "csms", subs, opts);
  std::ostringstream s;
  s << "# bash completion for csms; load with: source <(csms completion bash)\n"
    << "declare -gA _csms_subcommands=(\n"
    << subs.str() << ")\n"
    << "declare -gA _csms_options=(\n"
    << opts.str() << ")\n"
    << R"(_csms() {
  local cur="${COMP_WORDS[COMP_CWORD]}" path="csms" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="${COMP_WORDS[i]}"
    if [[ " ${_csms_subcommands[$path]} " == *" $w "* ]]; then path="$path $w"; fi
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "${_csms_options[$path]} ${_csms_options[csms]}" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "${_csms_subcommands[$path]}" -- "$cur"))
  fi
}
complete -o default -F _csms csms
)";
  return s.str();
}

}  // namespace

void AddCompletionCommand(CLI::App& app, Context& ctx) {
  CLI::App* completion = AddGroup(&app, "completion", "shell completion scripts");
  CLI::App* root = &app;
  AddLeaf(completion, "bash", "print the bash completion script: source <(csms completion bash)", ctx,
          [&ctx, root] { ctx.out() << BashScript(*root); });
}

}  // namespace csms::cli
