#include "xmpp-component/snapshot_diff.hpp"

#include <algorithm>

namespace cusax::xmpp {

std::size_t diff_limit(const store::Snapshot& after) {
    return std::max<std::size_t>(4096, after.size() / 8);
}

std::optional<SnapshotDiff> diff_snapshots(const store::Snapshot& before,
                                           const store::Snapshot& after, std::size_t limit) {
    const auto in = [](const store::Snapshot& s, const store::BindingView& b) {
        return s.by_aor(b.aor) == &b;
    };
    SnapshotDiff diff;
    const auto too_many = [&] { return diff.removed.size() + diff.added.size() > limit; };
    const auto old_bindings = before.all();
    auto old = old_bindings.begin();
    const auto old_end = old_bindings.end();
    for (const auto& b : after.all()) {
        if (old != old_end && &*old == &b) {  // the common case: shared, in step
            ++old;
            continue;
        }
        if (!in(before, b)) {
            diff.added.push_back(&b);
            if (too_many()) return std::nullopt;
            continue;
        }
        // `b` is further on in `before`: what comes first there is gone from `after`, unless
        // the order differs.
        while (old != old_end && &*old != &b) {
            if (in(after, *old)) return std::nullopt;
            diff.removed.push_back(&*old);
            if (too_many()) return std::nullopt;
            ++old;
        }
        if (old == old_end) return std::nullopt;  // `b` was earlier in `before`
        ++old;
    }
    for (; old != old_end; ++old) {
        if (in(after, *old)) return std::nullopt;
        diff.removed.push_back(&*old);
        if (too_many()) return std::nullopt;
    }
    return diff;
}

}  // namespace cusax::xmpp
