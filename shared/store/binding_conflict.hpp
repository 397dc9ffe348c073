#pragma once
// The message for a write a unique key refused, the same on every engine: which field, and
// which binding already holds the value. The engine says only that a key was violated; the
// lookups (through the engine's own connection) find the holder.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "shared/store/binding.hpp"

namespace cusax::store {

struct HolderLookups {
    // Each returns the AOR (or, for jid_of_aor, the JID) that holds the key, if any.
    std::function<std::optional<std::string>(const std::string&)> jid_of_aor;
    std::function<std::optional<std::string>(const std::string&)> holder_of_jid;
    std::function<std::optional<std::string>(const std::string&)> holder_of_number;
};

// For a refused write of the binding row itself. `adding`: an add, which the AOR's own
// presence refuses too. `engine_message` is used when no holder is found (a race).
BindingError binding_conflict(const Binding& binding, bool adding, const HolderLookups& lookups,
                              std::string_view engine_message);

// For a refused number of `binding`.
BindingError number_conflict(const Binding& binding, const std::string& number,
                             const HolderLookups& lookups, std::string_view engine_message);

}  // namespace cusax::store
