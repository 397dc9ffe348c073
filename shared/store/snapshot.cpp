#include "shared/store/snapshot.hpp"

#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>

#include "shared/store/cow_array.hpp"
#include "shared/store/field_error.hpp"
#include "shared/store/first_repeat.hpp"
#include "shared/store/flat_index.hpp"
#include "shared/store/snapshot_entry.hpp"

namespace cusax::store {

// The bindings as compact shared entries in a table of positions (null: a free position,
// left by a removal for the next addition); indexes of positions into it (by JID only in the
// full profile). Nothing changes after build() or apply(), so readers on any thread need no
// lock.
struct Snapshot::Impl {
    SnapshotProfile profile = SnapshotProfile::full;
    CowArray<EntryRef, 10> entries;
    std::vector<std::uint32_t> free;  // null positions below entries.size()
    std::size_t count = 0;
    FlatIndex by_aor;
    FlatIndex by_jid;     // empty in the routing profile
    FlatIndex by_number;  // position of the binding that lists the number
    std::uint64_t generation = 0;

    bool full() const { return profile == SnapshotProfile::full; }
    const EntryRef& at(std::uint32_t p) const { return entries[p]; }
    std::optional<std::uint32_t> find_aor(std::string_view aor) const {
        return by_aor.find(FlatIndex::hash(aor),
                           [&](std::uint32_t p) { return at(p).aor() == aor; });
    }
    std::optional<std::uint32_t> find_number(std::string_view number) const;
    std::optional<std::uint32_t> find_jid(std::string_view jid) const {
        return by_jid.find(FlatIndex::hash(jid),
                           [&](std::uint32_t p) { return at(p).jid() == jid; });
    }

    void index_all();
    void index(std::uint32_t p);
    void unindex(std::uint32_t p);
    bool has_room_for(const EntryRef& e) const;
    std::uint32_t take_position();
};

namespace {

constexpr std::size_t kMaxPositions = std::numeric_limits<std::uint32_t>::max() - 1;

void require_full(const Snapshot::Impl& impl, const char* what) {
    if (!impl.full()) {
        throw std::logic_error(std::string("snapshot: ") + what +
                               " needs the full profile; this one is routing");
    }
}

std::optional<BindingRoute> route_of(const EntryRef& e) {
    // The same answer from both profiles: a full entry keeps every JID, a routing one only
    // a verified binding's.
    const bool verified = is_verified(e.verification());
    return BindingRoute{e.aor(), verified ? e.jid() : std::string_view(), e.verification()};
}

}  // namespace

// A slot names only a binding; the entry says whether it lists the number, by a binary search
// when it lists many (snapshot_entry.cpp), so a PBX's block costs a call no scan of it.
std::optional<std::uint32_t> Snapshot::Impl::find_number(std::string_view number) const {
    return by_number.find(FlatIndex::hash(number),
                          [&](std::uint32_t p) { return at(p).lists(number); });
}

void Snapshot::Impl::index_all() {
    std::size_t number_count = 0;
    for (std::size_t p = 0; p < entries.size(); ++p) {
        if (entries[p]) number_count += entries[p].numbers().size();
    }
    by_aor.reserve(count);
    if (full()) by_jid.reserve(count);
    by_number.reserve(number_count);
    for (std::size_t p = 0; p < entries.size(); ++p) {
        if (entries[p]) index(static_cast<std::uint32_t>(p));
    }
}

// The store's keys make these duplicates impossible; a caller building a snapshot by hand
// gets the same refusal the store would give.
void Snapshot::Impl::index(std::uint32_t i) {
    const EntryRef& b = at(i);
    const std::string_view aor = b.aor();
    if (by_aor.insert(FlatIndex::hash(aor), i,
                      [&](std::uint32_t p) { return at(p).aor() == aor; })) {
        throw BindingError(field_error("aor", aor, "in two bindings"));
    }
    if (full()) {
        const std::string_view jid = b.jid();
        if (auto other = by_jid.insert(FlatIndex::hash(jid), i,
                                       [&](std::uint32_t p) { return at(p).jid() == jid; })) {
            throw BindingError(
                field_error("jid", jid, "already bound to " + quote_value(at(*other).aor())));
        }
    }
    const auto numbers = b.numbers();
    // A number listed twice in one binding is looked for once, here: a slot holds only a
    // position, so a probe meeting a slot of this same binding could tell only by comparing
    // every earlier number, O(n²) for a binding of many numbers (seconds at 65,536).
    if (const auto twice = first_repeat(numbers, [](std::string_view n) { return n; })) {
        const auto number = *std::next(numbers.begin(), static_cast<std::ptrdiff_t>(*twice));
        throw BindingError(field_error("number", number, "listed twice"));
    }
    for (const std::string_view number : numbers) {
        const auto elsewhere = [&](std::uint32_t p) { return p != i && at(p).lists(number); };
        if (auto other = by_number.insert(FlatIndex::hash(number), i, elsewhere)) {
            throw BindingError(
                field_error("number", number, "already bound to " + quote_value(at(*other).aor())));
        }
    }
}

void Snapshot::Impl::unindex(std::uint32_t i) {
    const EntryRef& b = at(i);
    by_aor.erase(FlatIndex::hash(b.aor()), i);
    if (full()) by_jid.erase(FlatIndex::hash(b.jid()), i);
    for (const auto n : b.numbers()) by_number.erase(FlatIndex::hash(n), i);
}

bool Snapshot::Impl::has_room_for(const EntryRef& e) const {
    return by_aor.has_room(1) && (!full() || by_jid.has_room(1)) &&
           by_number.has_room(e.numbers().size());
}

std::uint32_t Snapshot::Impl::take_position() {
    if (!free.empty()) {
        const auto p = free.back();
        free.pop_back();
        return p;
    }
    if (entries.size() >= kMaxPositions) throw std::length_error("snapshot: too many bindings");
    entries.resize(entries.size() + 1);
    return static_cast<std::uint32_t>(entries.size() - 1);
}

std::shared_ptr<const Snapshot> Snapshot::build(std::vector<Binding> bindings,
                                                std::uint64_t generation, SnapshotProfile profile) {
    if (bindings.size() >= kMaxPositions) throw std::length_error("snapshot: too many bindings");
    auto impl = std::make_unique<Impl>();
    impl->profile = profile;
    impl->generation = generation;
    impl->entries.assign(bindings.size(), EntryRef());
    for (std::size_t i = 0; i < bindings.size(); ++i) {
        impl->entries.write(i) = EntryRef::make(bindings[i], profile);
        // Give each binding's strings back as soon as its entry holds a copy: the next
        // entries reuse that memory instead of the heap growing by the whole set.
        bindings[i] = Binding();
    }
    impl->count = bindings.size();
    impl->index_all();
    return std::make_shared<const Snapshot>(std::move(impl));
}

std::shared_ptr<const Snapshot> Snapshot::apply(const Snapshot& base,
                                                const std::vector<BindingChange>& changes,
                                                std::uint64_t generation) {
    auto impl = std::make_unique<Impl>(*base.impl_);  // shares every chunk of the base
    impl->generation = generation;
    // Every changed AOR out first, then the new state in: a number or JID that moved from
    // one changed binding to another is free again by the time its new holder comes in.
    for (const auto& change : changes) {
        if (auto p = impl->find_aor(change.aor)) {
            impl->unindex(*p);
            impl->entries.write(*p) = EntryRef();
            impl->free.push_back(*p);
            --impl->count;
        }
    }
    bool reindex = false;
    for (const auto& change : changes) {
        if (!change.binding) continue;
        const auto p = impl->take_position();
        impl->entries.write(p) = EntryRef::make(*change.binding, impl->profile);
        ++impl->count;
        // Indexes filled with keys and tombstones are rebuilt once, below, rather than grown
        // key by key.
        if (!reindex && !impl->has_room_for(impl->at(p))) reindex = true;
        if (!reindex) impl->index(p);
    }
    // Many removals leave many free positions: pack the table when they outnumber bindings.
    if (impl->free.size() > 1024 && impl->free.size() > impl->count) {
        CowArray<EntryRef, 10> packed;
        packed.assign(impl->count, EntryRef());
        std::size_t next = 0;
        for (std::size_t p = 0; p < impl->entries.size(); ++p) {
            if (impl->entries[p]) packed.write(next++) = impl->entries[p];
        }
        impl->entries = std::move(packed);
        impl->free.clear();
        reindex = true;
    }
    if (reindex) impl->index_all();
    return std::make_shared<const Snapshot>(std::move(impl));
}

Snapshot::Snapshot(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Snapshot::~Snapshot() = default;

const BindingView* Snapshot::by_aor(std::string_view aor) const {
    require_full(*impl_, "by_aor");
    const auto p = impl_->find_aor(aor);
    return p ? impl_->at(*p).view() : nullptr;
}

const BindingView* Snapshot::by_number(std::string_view number) const {
    require_full(*impl_, "by_number");
    const auto p = impl_->find_number(number);
    return p ? impl_->at(*p).view() : nullptr;
}

const BindingView* Snapshot::by_jid(std::string_view jid) const {
    require_full(*impl_, "by_jid");
    const auto p = impl_->find_jid(jid);
    return p ? impl_->at(*p).view() : nullptr;
}

std::optional<BindingRoute> Snapshot::route_by_aor(std::string_view aor) const {
    const auto p = impl_->find_aor(aor);
    return p ? route_of(impl_->at(*p)) : std::nullopt;
}

std::optional<BindingRoute> Snapshot::route_by_number(std::string_view number) const {
    const auto p = impl_->find_number(number);
    return p ? route_of(impl_->at(*p)) : std::nullopt;
}

SnapshotProfile Snapshot::profile() const { return impl_->profile; }
std::size_t Snapshot::size() const { return impl_->count; }
std::uint64_t Snapshot::generation() const { return impl_->generation; }

std::size_t Snapshot::memory_bytes() const {
    std::size_t bytes = sizeof(Impl) + impl_->entries.memory_bytes() +
                        impl_->free.capacity() * sizeof(std::uint32_t) +
                        impl_->by_aor.memory_bytes() + impl_->by_jid.memory_bytes() +
                        impl_->by_number.memory_bytes();
    for (std::size_t p = 0; p < impl_->entries.size(); ++p) {
        if (impl_->entries[p]) bytes += impl_->entries[p].bytes();
    }
    return bytes;
}

Snapshot::Range Snapshot::all() const {
    require_full(*impl_, "all");
    return Range(impl_.get());
}

Snapshot::Range::iterator::iterator(const Impl* impl, std::size_t position, std::size_t end)
    : impl_(impl), position_(position), end_(end) {
    settle();
}

Snapshot::Range::iterator& Snapshot::Range::iterator::operator++() {
    ++position_;
    settle();
    return *this;
}

void Snapshot::Range::iterator::settle() {
    while (position_ < end_ && !impl_->entries[position_]) ++position_;
    current_ = position_ < end_ ? impl_->entries[position_].view() : nullptr;
}

Snapshot::Range::iterator Snapshot::Range::begin() const {
    return {impl_, 0, impl_->entries.size()};
}
Snapshot::Range::iterator Snapshot::Range::end() const {
    return {impl_, impl_->entries.size(), impl_->entries.size()};
}
std::size_t Snapshot::Range::size() const { return impl_->count; }

}  // namespace cusax::store
