// csms: the command-line client (docs/cli.md).
#include "cli/context.h"

int main(int argc, char** argv) { return csms::cli::Run(argc, argv); }
