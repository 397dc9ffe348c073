#pragma once
// A snapshot read in full, and one brought up to date through the change log alone: the two
// that the change-log tests compare.
#include <memory>

#include "shared/store/binding_store.hpp"
#include "shared/store/snapshot.hpp"

namespace cusax::store::test {

inline std::shared_ptr<const Snapshot> full(BindingStore& store) {
    const auto generation = store.generation();
    return Snapshot::build(store.load_all(), generation);
}

// nullptr when the log does not cover the gap since `base`.
inline std::shared_ptr<const Snapshot> caught_up(BindingStore& store, const Snapshot& base) {
    auto changes = store.changes_since(base.generation(), 1'000'000);
    if (!changes) return nullptr;
    return Snapshot::apply(base, changes->changes, changes->generation);
}

}  // namespace cusax::store::test
