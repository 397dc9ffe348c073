#pragma once
// Whether a value is acceptable for a declared key: its type's shape, range and choices, then
// the key's own validator.
#include <string>
#include <string_view>

#include "shared/config/config_schema.hpp"

namespace cusax::config {

// "" when `value` is acceptable for `key`, or what is wrong with it, e.g.
//   expected an integer, got "abc"
//   must be between 1 and 65535, got "70000"
//   item "10.0.0.1/8": host bits set after the network prefix (...)
// For a secret key the value is never quoted nor left in a validator's reason.
std::string check_value(const KeyDecl& key, std::string_view value);

// "(duration, 50ms..1s)", "(enumeration: text|json)", "(string, required, secret)": the
// type and constraints of a key, as shown by the dump and the reference.
std::string describe_constraints(const KeyDecl& key);
// "50ms..1s", "1..65535", "1..", "" without bounds.
std::string describe_range(const KeyDecl& key);

}  // namespace cusax::config
