#pragma once
// cusaxctl doctor: checks a deployment end to end (cusaxctl/doctor/, one file per check).
#include "cusaxctl/ctl_context.hpp"

namespace cusax::ctl {

// Prints each check with its verdict and fix; kCheckFailed when any check failed.
int command_doctor(const CtlContext& ctx, const CommandArgs& args);

}  // namespace cusax::ctl
