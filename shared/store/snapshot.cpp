#include "shared/store/snapshot.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "shared/store/cow_array.hpp"
#include "shared/store/field_error.hpp"
#include "shared/store/flat_index.hpp"
#include "shared/store/snapshot_entry.hpp"

namespace cusax::store {

// The bindings as compact shared entries in a table of positions (null: a free position,
// left by a removal for the next addition); three indexes of positions into it. Nothing
// changes after build() or apply(), so readers on any thread need no lock.
struct Snapshot::Impl {
    CowArray<EntryRef, 10> entries;
    std::vector<std::uint32_t> free;  // null positions below entries.size()
    std::size_t count = 0;
    FlatIndex by_aor;
    FlatIndex by_jid;
    FlatIndex by_number;  // position of the binding that lists the number
    std::uint64_t generation = 0;

    const BindingView& at(std::uint32_t p) const { return *entries[p]; }
    std::optional<std::uint32_t> find_aor(std::string_view aor) const {
        return by_aor.find(FlatIndex::hash(aor), [&](std::uint32_t p) { return at(p).aor == aor; });
    }

    void index_all();
    void index(std::uint32_t p);
    void unindex(std::uint32_t p);
    bool has_room_for(const BindingView& b) const;
    std::uint32_t take_position();
};

namespace {

constexpr std::size_t kMaxPositions = std::numeric_limits<std::uint32_t>::max() - 1;

bool lists_number(const BindingView& b, std::string_view number) {
    return std::any_of(b.numbers.begin(), b.numbers.end(),
                       [&](const NumberView& n) { return n.number == number; });
}

}  // namespace

void Snapshot::Impl::index_all() {
    std::size_t number_count = 0;
    for (std::size_t p = 0; p < entries.size(); ++p) {
        if (entries[p]) number_count += entries[p]->numbers.size();
    }
    by_aor.reserve(count);
    by_jid.reserve(count);
    by_number.reserve(number_count);
    for (std::size_t p = 0; p < entries.size(); ++p) {
        if (entries[p]) index(static_cast<std::uint32_t>(p));
    }
}

// The store's keys make these duplicates impossible; a caller building a snapshot by hand
// gets the same refusal the store would give.
void Snapshot::Impl::index(std::uint32_t i) {
    const BindingView& b = at(i);
    if (by_aor.insert(FlatIndex::hash(b.aor), i,
                      [&](std::uint32_t p) { return at(p).aor == b.aor; })) {
        throw BindingError(field_error("aor", b.aor, "in two bindings"));
    }
    if (auto other = by_jid.insert(FlatIndex::hash(b.jid), i,
                                   [&](std::uint32_t p) { return at(p).jid == b.jid; })) {
        throw BindingError(
            field_error("jid", b.jid, "already bound to " + quote_value(at(*other).aor)));
    }
    for (std::size_t j = 0; j < b.numbers.size(); ++j) {
        const std::string_view number = b.numbers[j].number;
        // A slot of this same binding matches only if the number came earlier in its list.
        const auto same = [&](std::uint32_t p) {
            if (p != i) return lists_number(at(p), number);
            for (std::size_t k = 0; k < j; ++k) {
                if (b.numbers[k].number == number) return true;
            }
            return false;
        };
        if (auto other = by_number.insert(FlatIndex::hash(number), i, same)) {
            throw BindingError(
                field_error("number", number,
                            *other == i ? std::string("listed twice")
                                        : "already bound to " + quote_value(at(*other).aor)));
        }
    }
}

void Snapshot::Impl::unindex(std::uint32_t i) {
    const BindingView& b = at(i);
    by_aor.erase(FlatIndex::hash(b.aor), i);
    by_jid.erase(FlatIndex::hash(b.jid), i);
    for (const auto& n : b.numbers) by_number.erase(FlatIndex::hash(n.number), i);
}

bool Snapshot::Impl::has_room_for(const BindingView& b) const {
    return by_aor.has_room(1) && by_jid.has_room(1) && by_number.has_room(b.numbers.size());
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
                                                std::uint64_t generation) {
    if (bindings.size() >= kMaxPositions) throw std::length_error("snapshot: too many bindings");
    auto impl = std::make_unique<Impl>();
    impl->generation = generation;
    impl->entries.assign(bindings.size(), EntryRef());
    for (std::size_t i = 0; i < bindings.size(); ++i) {
        impl->entries.write(i) = EntryRef::make(bindings[i]);
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
        impl->entries.write(p) = EntryRef::make(*change.binding);
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
    const auto p = impl_->find_aor(aor);
    return p ? &impl_->at(*p) : nullptr;
}

const BindingView* Snapshot::by_number(std::string_view number) const {
    const auto p = impl_->by_number.find(FlatIndex::hash(number), [&](std::uint32_t i) {
        return lists_number(impl_->at(i), number);
    });
    return p ? &impl_->at(*p) : nullptr;
}

const BindingView* Snapshot::by_jid(std::string_view jid) const {
    const auto p = impl_->by_jid.find(FlatIndex::hash(jid),
                                      [&](std::uint32_t i) { return impl_->at(i).jid == jid; });
    return p ? &impl_->at(*p) : nullptr;
}

std::size_t Snapshot::size() const { return impl_->count; }
std::uint64_t Snapshot::generation() const { return impl_->generation; }
Snapshot::Range Snapshot::all() const { return Range(impl_.get()); }

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
    current_ = position_ < end_ ? impl_->entries[position_].get() : nullptr;
}

Snapshot::Range::iterator Snapshot::Range::begin() const {
    return {impl_, 0, impl_->entries.size()};
}
Snapshot::Range::iterator Snapshot::Range::end() const {
    return {impl_, impl_->entries.size(), impl_->entries.size()};
}
std::size_t Snapshot::Range::size() const { return impl_->count; }

}  // namespace cusax::store
