#pragma once
// What changed in a store since a generation: the input of an incremental snapshot refresh.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shared/store/binding.hpp"

namespace cusax::store {

struct BindingChange {
    std::string aor;                 // an AOR some write touched
    std::optional<Binding> binding;  // as it is now; nullopt when it no longer exists
};

struct BindingChanges {
    std::uint64_t generation = 0;        // the store's generation these changes bring one to
    std::vector<BindingChange> changes;  // one per AOR
};

}  // namespace cusax::store
