// glasses: the command line. It parses, calls the libraries, prints, and
// maps errors to exit codes; all computation lives in the libraries.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "glasses/numerics/error.hpp"

int main(int argc, char** argv) {
  using namespace glasses::app;
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
  } catch (const CLI::CallForHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return root.exit(e);
  } catch (const CLI::ParseError& e) {
    root.exit(e);
    return kExitBadInput;
  }
  try {
    return action();
  } catch (const glasses::InputError& e) {
    std::cerr << "glasses: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "glasses: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
