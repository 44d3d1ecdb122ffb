// glasses: the command line. It parses, calls the libraries, prints, and
// maps errors to exit codes; all computation lives in the libraries.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "glasses/numerics/error.hpp"
#include "ranks.hpp"

int main(int argc, char** argv) {
  using namespace glasses::app;
  const Ranks ranks(argc, argv);
  CLI::App root{"glasses: how low-precision rounding makes a transformer unable to tell inputs apart"};
  root.require_subcommand(1);
  Action action;
  add_arith_command(root, action);
  add_formats_command(root, action);
  add_forward_command(root, action);
  add_sweep_command(root, action);
  add_check_command(root, action);
  add_report_command(root, action);
  add_tokenize_command(root, action);
  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Every rank parses the same arguments: rank 0 alone answers.
    if (!ranks.writer()) return e.get_exit_code() == 0 ? kExitSuccess : kExitBadInput;
    const int code = root.exit(e);
    return code == 0 ? kExitSuccess : kExitBadInput;
  }
  try {
    return action();
  } catch (...) {
    return ranks.fail(std::current_exception());
  }
}
