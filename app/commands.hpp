// The commands of the glasses command line. Each adds itself to the root
// CLI11 app with its options declared once (name, default, help) and sets
// `action` to the function that runs it when chosen.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace glasses::app {

using Action = std::function<int()>;  // returns the exit code

void add_arith_command(CLI::App& root, Action& action);
void add_formats_command(CLI::App& root, Action& action);
void add_forward_command(CLI::App& root, Action& action);
void add_sweep_command(CLI::App& root, Action& action);
void add_check_command(CLI::App& root, Action& action);
void add_report_command(CLI::App& root, Action& action);
void add_tokenize_command(CLI::App& root, Action& action);

}  // namespace glasses::app
