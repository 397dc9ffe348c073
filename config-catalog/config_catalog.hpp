#pragma once
// Every section of cusax.ini, in the order of the dump and of the README's reference.
//
// Why a catalog outside shared/: one INI file serves all the programs, and each program
// validates the whole file (an unknown key in any section is an error with its line and a
// "did you mean"), so each program must know every section's keys. The keys themselves are
// declared beside the settings they fill: [log] and [store] in shared/config, the others in
// each program's small config library (its *_config*.cpp files, which need neither Sofia-SIP
// nor Asio). This list is the one place that names them all, so shared/ names no program's
// section and no program depends on another program's code (docs/configuration.md).
#include "shared/config/config_schema.hpp"

namespace cusax::config_catalog {

// [log], [store], [metrics], [sip-proxy], [xmpp-component], [provisioning], [cusaxctl]. Built
// once.
const config::Schema& all_sections();

}  // namespace cusax::config_catalog
