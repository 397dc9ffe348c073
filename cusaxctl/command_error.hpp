#pragma once
#include <stdexcept>
#include <string>

#include "cusaxctl/exit_codes.hpp"

namespace cusax::ctl {

// A failure that maps to one documented exit code; main() prints what() and exits with it.
struct CommandError : std::runtime_error {
    CommandError(ExitCode exit_code, const std::string& message)
        : std::runtime_error(message), code(exit_code) {}
    ExitCode code;
};

}  // namespace cusax::ctl
