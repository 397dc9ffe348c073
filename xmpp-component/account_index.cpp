#include "xmpp-component/account_index.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <unordered_set>

#include "shared/address/jid.hpp"
#include "shared/address/sip_address.hpp"
#include "xmpp-component/snapshot_diff.hpp"

namespace cusax::xmpp {

namespace {

// XEP-0106 §3.2: the characters a localpart cannot hold and their escapes.
constexpr std::array<std::pair<char, std::string_view>, 10> kEscapes{{{' ', "20"},
                                                                      {'"', "22"},
                                                                      {'&', "26"},
                                                                      {'\'', "27"},
                                                                      {'/', "2f"},
                                                                      {':', "3a"},
                                                                      {'<', "3c"},
                                                                      {'>', "3e"},
                                                                      {'@', "40"},
                                                                      {'\\', "5c"}}};

bool starts_escape(std::string_view rest) {
    if (rest.size() < 3 || rest[0] != '\\') return false;
    for (const auto& [c, code] : kEscapes) {
        if (rest.substr(1, 2) == code) return true;
    }
    return false;
}

}  // namespace

std::string escape_localpart(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        // A backslash is escaped only where it would otherwise read as an escape (§3.2).
        if (c == '\\' && !starts_escape(raw.substr(i))) {
            out += c;
            continue;
        }
        auto it = std::find_if(kEscapes.begin(), kEscapes.end(),
                               [c](const auto& e) { return e.first == c; });
        if (it == kEscapes.end()) {
            out += c;
        } else {
            out += '\\';
            out += it->second;
        }
    }
    return out;
}

std::string unescape_localpart(std::string_view escaped) {
    std::string out;
    for (std::size_t i = 0; i < escaped.size(); ++i) {
        if (starts_escape(escaped.substr(i))) {
            const auto code = escaped.substr(i + 1, 2);
            for (const auto& [c, e] : kEscapes) {
                if (e == code) out += c;
            }
            i += 2;
        } else {
            out += escaped[i];
        }
    }
    return out;
}

std::optional<std::string> account_jid_for_aor(std::string_view aor, std::string_view domain) {
    auto colon = aor.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view rest = aor.substr(colon + 1);
    auto at = rest.rfind('@');
    std::string local;
    if (at == std::string_view::npos) {
        local = escape_localpart(rest);  // sip:host, an AOR without a user
    } else if (rest.substr(at + 1) == domain) {
        local = escape_localpart(rest.substr(0, at));
    } else {
        local = escape_localpart(rest);
    }
    auto jid = address::normalise_bare_jid(local + "@" + std::string(domain));
    if (!jid) return std::nullopt;
    return *jid.value;
}

// ---- the index ----

namespace {

// Items per chunk: a change copies the chunk it lands in, and next() the list of chunks
// (a thousand pointers at a million accounts).
constexpr std::size_t kChunkMax = 1024;
// A chunk left smaller than this by removals joins the next one.
constexpr std::size_t kChunkMin = kChunkMax / 4;

// An account as the chunks order them: by JID, then by AOR, so that of the bindings one JID
// names (a case-mapped clash) the first in AOR order comes first and keeps the name.
struct Keyed {
    std::string_view jid;
    const store::BindingView* binding;
};

bool key_less(const Keyed& a, const Keyed& b) {
    if (a.jid != b.jid) return a.jid < b.jid;
    return a.binding->aor < b.binding->aor;
}

struct Owned {
    std::string jid;
    const store::BindingView* binding;
    Keyed key() const { return {jid, binding}; }
};

}  // namespace

struct AccountIndex::Chunk {
    struct Item {
        std::uint32_t offset;  // of the JID in text
        std::uint32_t length;
        const store::BindingView* binding;
    };
    std::vector<Item> items;   // never empty, sorted by key_less
    std::string text;          // the items' JIDs, one after another
    std::size_t accounts = 0;  // items whose JID is not that of the item before

    std::string_view jid(std::size_t i) const {
        return std::string_view(text).substr(items[i].offset, items[i].length);
    }
    Keyed at(std::size_t i) const { return {jid(i), items[i].binding}; }
    Keyed front() const { return at(0); }
};

// What an index is made of beyond its base: the accounts of the bindings that came and went,
// each sorted by key_less.
struct AccountIndex::Changes {
    std::vector<Owned> added;
    std::vector<Owned> removed;
    std::size_t bindings = 0;  // counted in changed()
};

namespace {

using Chunk = AccountIndex::Chunk;
using Chunks = AccountIndex::Chunks;

std::vector<Owned> accounts_of(const std::vector<const store::BindingView*>& bindings,
                               std::string_view domain) {
    std::vector<Owned> out;
    out.reserve(bindings.size());
    for (const auto* b : bindings) {
        if (auto jid = account_jid_for_aor(b->aor, domain)) out.push_back({std::move(*jid), b});
    }
    std::sort(out.begin(), out.end(),
              [](const Owned& a, const Owned& b) { return key_less(a.key(), b.key()); });
    return out;
}

// Cuts a sorted run of accounts into chunks of at most kChunkMax. The views it holds point
// into chunks of the base and into the changes, which outlive it.
class ChunkWriter {
  public:
    explicit ChunkWriter(Chunks& out) : out_(out) {}

    void take(const Keyed& k) { pending_.push_back(k); }
    std::size_t pending() const { return pending_.size(); }

    void flush() {
        const std::size_t n = pending_.size();
        const std::size_t pieces = (n + kChunkMax - 1) / kChunkMax;
        for (std::size_t p = 0; p < pieces; ++p) write(n * p / pieces, n * (p + 1) / pieces);
        pending_.clear();
    }

    // The last: a small remainder joins the chunk written before it.
    void finish() {
        if (!pending_.empty() && pending_.size() < kChunkMin && !out_.empty()) {
            const auto last = std::move(out_.back());
            out_.pop_back();
            std::vector<Keyed> joined;
            joined.reserve(last->items.size() + pending_.size());
            for (std::size_t i = 0; i < last->items.size(); ++i) joined.push_back(last->at(i));
            joined.insert(joined.end(), pending_.begin(), pending_.end());
            pending_ = std::move(joined);
            flush();
            return;  // `last` (and the text the views point into) is released only now
        }
        flush();
    }

  private:
    void write(std::size_t from, std::size_t to) {
        auto chunk = std::make_shared<Chunk>();
        chunk->items.reserve(to - from);
        std::size_t bytes = 0;
        for (std::size_t i = from; i < to; ++i) bytes += pending_[i].jid.size();
        chunk->text.reserve(bytes);
        for (std::size_t i = from; i < to; ++i) {
            const Keyed& k = pending_[i];
            if (i == from || k.jid != pending_[i - 1].jid) ++chunk->accounts;
            chunk->items.push_back({static_cast<std::uint32_t>(chunk->text.size()),
                                    static_cast<std::uint32_t>(k.jid.size()), k.binding});
            chunk->text += k.jid;
        }
        out_.push_back(std::move(chunk));
    }

    Chunks& out_;
    std::vector<Keyed> pending_;
};

}  // namespace

AccountIndex::AccountIndex(std::shared_ptr<const store::Snapshot> snapshot, std::string domain)
    : AccountIndex(
          snapshot, domain, Chunks(),
          [&] {
              std::vector<const store::BindingView*> every;
              every.reserve(snapshot->size());
              for (const auto& b : snapshot->all()) every.push_back(&b);
              Changes c;
              c.added = accounts_of(every, domain);
              c.bindings = every.size();
              return c;
          }(),
          false) {}

std::shared_ptr<const AccountIndex> AccountIndex::next(
    std::shared_ptr<const store::Snapshot> snapshot) const {
    const auto diff = diff_snapshots(*snapshot_, *snapshot, diff_limit(*snapshot));
    if (!diff) return std::make_shared<const AccountIndex>(std::move(snapshot), domain_);
    Changes changes;
    changes.added = accounts_of(diff->added, domain_);
    changes.removed = accounts_of(diff->removed, domain_);
    changes.bindings = diff->added.size() + diff->removed.size();
    return std::shared_ptr<const AccountIndex>(
        new AccountIndex(std::move(snapshot), domain_, chunks_, std::move(changes), true));
}

// The base's chunks that no change lands in are shared; each one a change lands in is merged
// with its changes into new chunks. Removed bindings are still alive (the base's snapshot is).
AccountIndex::AccountIndex(std::shared_ptr<const store::Snapshot> snapshot, std::string domain,
                           const Chunks& base, Changes changes, bool incremental)
    : snapshot_(std::move(snapshot)),
      domain_(std::move(domain)),
      changed_(changes.bindings),
      incremental_(incremental) {
    const auto& added = changes.added;
    const auto& removed = changes.removed;
    std::unordered_set<const store::BindingView*> gone;
    gone.reserve(removed.size());
    for (const auto& r : removed) gone.insert(r.binding);
    chunks_.reserve(base.size() + added.size() / kChunkMax + 1);
    ChunkWriter writer(chunks_);
    std::size_t a = 0;
    std::size_t r = 0;
    for (std::size_t c = 0; c < base.size(); ++c) {
        // A chunk holds the keys from its first up to the next chunk's first.
        const bool last = c + 1 == base.size();
        const auto here = [&](const Owned& o) {
            return last || key_less(o.key(), base[c + 1]->front());
        };
        std::size_t a_end = a;
        while (a_end < added.size() && here(added[a_end])) ++a_end;
        std::size_t r_end = r;
        while (r_end < removed.size() && here(removed[r_end])) ++r_end;
        if (a_end == a && r_end == r && writer.pending() == 0) {
            chunks_.push_back(base[c]);
            continue;
        }
        const Chunk& chunk = *base[c];
        for (std::size_t i = 0; i < chunk.items.size(); ++i) {
            const Keyed item = chunk.at(i);
            while (a < a_end && key_less(added[a].key(), item)) writer.take(added[a++].key());
            if (!gone.contains(item.binding)) writer.take(item);
        }
        while (a < a_end) writer.take(added[a++].key());
        r = r_end;
        if (writer.pending() >= kChunkMin) writer.flush();
    }
    while (a < added.size()) writer.take(added[a++].key());  // into an empty base
    writer.finish();

    for (std::size_t c = 0; c < chunks_.size(); ++c) {
        account_count_ += chunks_[c]->accounts;
        // An account whose bindings straddle two chunks is counted once.
        if (c > 0 && chunks_[c]->jid(0) == chunks_[c - 1]->jid(chunks_[c - 1]->items.size() - 1)) {
            --account_count_;
        }
    }
}

// The first item whose JID is `jid`: the binding that keeps that name.
const store::BindingView* AccountIndex::find_account(std::string_view jid) const {
    // The first chunk whose first JID is not below `jid`; the item can also be in the one
    // before it.
    const auto c = std::partition_point(chunks_.begin(), chunks_.end(),
                                        [&](const auto& chunk) { return chunk->jid(0) < jid; });
    if (c != chunks_.begin()) {
        const Chunk& before = **std::prev(c);
        std::size_t lo = 0;
        std::size_t hi = before.items.size();
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (before.jid(mid) < jid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo < before.items.size()) {
            return before.jid(lo) == jid ? before.items[lo].binding : nullptr;
        }
    }
    if (c == chunks_.end()) return nullptr;
    return (*c)->jid(0) == jid ? (*c)->items[0].binding : nullptr;
}

const store::BindingView* AccountIndex::find(std::string_view jid) const {
    if (const auto* b = find_account(jid)) return b;
    auto normalised = address::normalise_bare_jid(jid);
    if (!normalised) return nullptr;
    if (const auto* b = find_account(*normalised.value)) return b;
    // A phone number as localpart is an alias of the binding that lists it.
    const auto parts = std::string_view(*normalised.value);
    const auto at = parts.find('@');
    if (at == std::string_view::npos || parts.substr(at + 1) != domain_) return nullptr;
    auto number = address::normalise_number(unescape_localpart(parts.substr(0, at)));
    if (!number) return nullptr;
    return snapshot_->by_number(*number.value);
}

// The index keeps no map back from bindings: the JID is made again (a search answer's few).
std::string AccountIndex::account_jid(const store::BindingView& binding) const {
    return account_jid_for_aor(binding.aor, domain_).value_or(std::string());
}

AccountIndex::Range AccountIndex::accounts() const { return Range(&chunks_, account_count_); }

AccountIndex::Entry AccountIndex::Range::iterator::operator*() const {
    const Chunk& c = *(*chunks_)[chunk_];
    return {c.jid(item_), c.items[item_].binding};
}

void AccountIndex::Range::iterator::step() {
    if (++item_ == (*chunks_)[chunk_]->items.size()) {
        ++chunk_;
        item_ = 0;
    }
}

// Past the other bindings of the same JID, which do not keep it.
AccountIndex::Range::iterator& AccountIndex::Range::iterator::operator++() {
    const std::string_view jid = (**this).jid;
    do {
        step();
    } while (chunk_ < chunks_->size() && (**this).jid == jid);
    return *this;
}

}  // namespace cusax::xmpp
