#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace cusax::ctl {

// The whole of cusaxctl, callable in-process (main() and the tests):
//   cusaxctl [-c FILE] [--store PATH] [--json] COMMAND [ARGS...]
// Returns the exit code (exit_codes.hpp); messages go to out and err.
int run_cusaxctl(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err);

}  // namespace cusax::ctl
