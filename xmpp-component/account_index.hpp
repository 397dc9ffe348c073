#pragma once
// Which XMPP address names which binding: the component's SIP accounts as JIDs of its domain.
//
//  - An AOR on the component domain keeps its user part: sip:alice@sip.example.com is
//    alice@sip.example.com (as RFC 7081 §3.4's example pairs them).
//  - An AOR on any other host gets the whole user@host as localpart, escaped as XEP-0106 says:
//    sip:bob@pbx.example.org is bob\40pbx.example.org@sip.example.com. Reversible, valid in
//    every server, and never clashes with an account of the first kind (which has no '@').
//  - A phone number is an alias: +4930123456@sip.example.com (or 1234@... for a local number)
//    is the binding that lists that number, unless an account of that name exists.
// Servers case-map JID localparts (RFC 7622 §3.3), SIP user parts are case-sensitive: look-ups
// go through the case-mapped form, so sip:Alice@… answers as alice@…; were two AORs to differ
// only in case, the first in AOR order keeps the name and the other is not addressable.
#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/store/snapshot.hpp"

namespace cusax::xmpp {

// XEP-0106 JID escaping of a localpart.
std::string escape_localpart(std::string_view raw);
std::string unescape_localpart(std::string_view escaped);

// The account JID (bare, case-mapped as servers do) for an AOR; nullopt when the AOR cannot be
// expressed as a JID (should not happen for a normalised AOR).
std::optional<std::string> account_jid_for_aor(std::string_view aor, std::string_view domain);

// The index is immutable; next() makes the index of a newer snapshot from it. The accounts
// live in sorted chunks that successive indexes share, so that a change of a few bindings
// costs a pass over the snapshots' pointers (snapshot_diff.hpp) and the copy of the chunks it
// lands in, not a new index of every binding. A full build is the same update, from nothing.
class AccountIndex {
  public:
    struct Entry {
        std::string_view jid;
        const store::BindingView* binding;
    };
    class Range;

    // The index of every binding of the snapshot, which the index keeps alive.
    AccountIndex(std::shared_ptr<const store::Snapshot> snapshot, std::string domain);

    // The index of `snapshot` (of the same store, a newer generation), made from this one by
    // the bindings that differ; afresh when they are too many to be worth it.
    std::shared_ptr<const AccountIndex> next(std::shared_ptr<const store::Snapshot> snapshot) const;

    // The binding addressed by a bare JID of the component domain, or nullptr.
    const store::BindingView* find(std::string_view bare_jid) const;
    // The account JID of a binding of this snapshot.
    std::string account_jid(const store::BindingView& binding) const;

    Range accounts() const;  // one per account JID, sorted by JID
    std::size_t account_count() const { return account_count_; }
    // Bindings this index took in or let go of to be made: every one for a full build, those
    // that changed for next(). For the log, and for tests.
    std::size_t changed() const { return changed_; }
    bool incremental() const { return incremental_; }
    const store::Snapshot& snapshot() const { return *snapshot_; }
    const std::shared_ptr<const store::Snapshot>& snapshot_ptr() const { return snapshot_; }
    const std::string& domain() const { return domain_; }

    struct Chunk;  // implementation detail, public for Range
    using Chunks = std::vector<std::shared_ptr<const Chunk>>;

  private:
    struct Changes;
    AccountIndex(std::shared_ptr<const store::Snapshot> snapshot, std::string domain,
                 const Chunks& base, Changes changes, bool incremental);
    const store::BindingView* find_account(std::string_view jid) const;

    std::shared_ptr<const store::Snapshot> snapshot_;
    std::string domain_;
    Chunks chunks_;
    std::size_t account_count_ = 0;
    std::size_t changed_ = 0;
    bool incremental_ = false;
};

// The accounts in JID order; where several bindings map to one JID, the one that keeps it.
class AccountIndex::Range {
  public:
    class iterator {
      public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = Entry;
        using difference_type = std::ptrdiff_t;
        using reference = Entry;
        using pointer = void;

        iterator() = default;
        iterator(const Chunks* chunks, std::size_t chunk, std::size_t item)
            : chunks_(chunks), chunk_(chunk), item_(item) {}
        Entry operator*() const;
        iterator& operator++();
        bool operator==(const iterator& o) const { return chunk_ == o.chunk_ && item_ == o.item_; }

      private:
        void step();  // to the next item, whatever its JID
        const Chunks* chunks_ = nullptr;
        std::size_t chunk_ = 0;
        std::size_t item_ = 0;
    };

    Range(const Chunks* chunks, std::size_t size) : chunks_(chunks), size_(size) {}
    iterator begin() const { return {chunks_, 0, 0}; }
    iterator end() const { return {chunks_, chunks_->size(), 0}; }
    std::size_t size() const { return size_; }

  private:
    const Chunks* chunks_;
    std::size_t size_;
};

}  // namespace cusax::xmpp
