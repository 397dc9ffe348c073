#pragma once
// cusaxctl reload: asks the running daemons to read the INI file again (SIGHUP).
#include "cusaxctl/ctl_context.hpp"

namespace cusax::ctl {

// Signals each running daemon found through its stats file; kNoStats when none runs.
int command_reload(const CtlContext& ctx, const CommandArgs& args);

}  // namespace cusax::ctl
