#pragma once
// The declarations, written out for people: as a commented INI file (--dump-config) and as
// the Markdown reference in the README (--dump-config=markdown).
#include <string>

#include "shared/config/config_schema.hpp"

namespace cusax::config {

// A commented INI file with every key at its default, which parses back to the defaults:
//   # Lowest level written to the log. (enumeration: trace|debug|info|warn|error|critical|off)
//   level = info
// A required key has no default and stays commented out: "# domain =   (required)". A secret
// key is only ever shown that way or with its (empty) default, never with a value.
std::string dump_config(const Schema& schema);

// One Markdown table per section: key, type, default, description.
std::string markdown_reference(const Schema& schema);

}  // namespace cusax::config
