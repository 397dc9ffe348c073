#pragma once
// Which bindings one snapshot has that another has not, without looking at every binding.
//
// A snapshot made by Snapshot::apply shares every binding it did not change with its base:
// the same BindingView, at the same place in all()'s order. Walking both in step, only where
// they part does a binding need a look-up (by_aor: is this very view in the other snapshot?),
// so the cost is a pass over pointers plus a look-up per change. Snapshots that share nothing
// (a full reload) part everywhere: past `limit` changes the walk gives up, and so it does
// when the shared bindings are not in the same order (the caller then starts afresh).
#include <cstddef>
#include <optional>
#include <vector>

#include "shared/store/snapshot.hpp"

namespace cusax::xmpp {

struct SnapshotDiff {
    std::vector<const store::BindingView*> removed;  // views of `before` not in `after`
    std::vector<const store::BindingView*> added;    // views of `after` not in `before`
};

// The most changes worth finding this way: beyond it a pass over every binding costs about
// the same (the store watcher's own limit for an incremental refresh).
std::size_t diff_limit(const store::Snapshot& after);

// Both snapshots must be alive (a view is compared by address: no binding of one can have
// the address of a live binding of the other unless it is that binding).
std::optional<SnapshotDiff> diff_snapshots(const store::Snapshot& before,
                                           const store::Snapshot& after, std::size_t limit);

}  // namespace cusax::xmpp
