#pragma once
// An immutable in-memory view of all bindings, for look-ups on the hot path.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "shared/store/binding.hpp"
#include "shared/store/binding_change.hpp"
#include "shared/store/binding_view.hpp"
#include "shared/store/snapshot_profile.hpp"

namespace cusax::store {

// What the SIP proxy reads of a binding, from a snapshot of either profile.
struct BindingRoute {
    std::string_view aor;
    std::string_view jid;  // empty unless is_verified(verification): the proxy announces no other
    Verification verification = Verification::Unverified;
};

class Snapshot {
  public:
    // Keeps of each binding what `profile` says (snapshot_profile.hpp). Throws BindingError
    // for a duplicate AOR or number, and in the full profile a duplicate JID (as the store
    // would refuse them; a routing snapshot keeps no index of JIDs to find one by).
    static std::shared_ptr<const Snapshot> build(std::vector<Binding> bindings,
                                                 std::uint64_t generation,
                                                 SnapshotProfile profile = SnapshotProfile::full);
    // The snapshot a full build of the store would give, made from `base` and what changed
    // since, in the base's profile: the bindings not in `changes` are shared with `base`, not
    // copied, so the cost is that of the changes (plus a few hundred chunk pointers), not of
    // the whole set. `changes` names each AOR once. Throws BindingError like build().
    static std::shared_ptr<const Snapshot> apply(const Snapshot& base,
                                                 const std::vector<BindingChange>& changes,
                                                 std::uint64_t generation);

    // Keys must already be normalised (address::normalise_aor / normalise_number /
    // normalise_bare_jid). Return nullptr when absent. Pointers live as long as the snapshot.
    // Full profile only: a routing snapshot has no BindingView to point to, and throws
    // std::logic_error (a daemon that needs these asked for the wrong profile).
    const BindingView* by_aor(std::string_view aor) const;
    const BindingView* by_number(std::string_view number) const;
    const BindingView* by_jid(std::string_view jid) const;

    // Either profile; the same answer from both. The views live as long as the snapshot.
    std::optional<BindingRoute> route_by_aor(std::string_view aor) const;
    std::optional<BindingRoute> route_by_number(std::string_view number) const;

    SnapshotProfile profile() const;
    std::size_t size() const;
    std::uint64_t generation() const;
    // What the snapshot's entries and tables asked the allocator for, counting entries it
    // shares with other snapshots as its own.
    std::size_t memory_bytes() const;

    // Every binding, in no particular order. Full profile only (std::logic_error otherwise).
    class Range;
    Range all() const;

    // implementation detail, public for make_shared
    struct Impl;
    explicit Snapshot(std::unique_ptr<Impl> impl);
    ~Snapshot();

  private:
    std::unique_ptr<Impl> impl_;
};

class Snapshot::Range {
  public:
    class iterator {
      public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = BindingView;
        using difference_type = std::ptrdiff_t;
        using reference = const BindingView&;
        using pointer = const BindingView*;

        iterator() = default;
        iterator(const Impl* impl, std::size_t position, std::size_t end);
        const BindingView& operator*() const { return *current_; }
        const BindingView* operator->() const { return current_; }
        iterator& operator++();
        bool operator==(const iterator& o) const { return position_ == o.position_; }

      private:
        void settle();  // moves to the first live position at or after position_
        const Impl* impl_ = nullptr;
        std::size_t position_ = 0;
        std::size_t end_ = 0;
        const BindingView* current_ = nullptr;
    };

    explicit Range(const Impl* impl) : impl_(impl) {}
    iterator begin() const;
    iterator end() const;
    std::size_t size() const;

  private:
    const Impl* impl_;
};

}  // namespace cusax::store
