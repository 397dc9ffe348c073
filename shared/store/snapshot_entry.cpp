#include "shared/store/snapshot_entry.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

namespace cusax::store {

// What both layouts begin with; the last two fields only a routing entry uses (a full one
// has them in its BindingView), in what would otherwise be padding.
struct EntryRef::Header {
    std::atomic<std::uint32_t> refs{1};
    SnapshotProfile profile = SnapshotProfile::full;
    std::uint8_t verification = 0;  // a Verification
    std::uint16_t numbers = 0;
};
static_assert(sizeof(EntryRef::Header) == 8);

namespace {

// Laid out as: FullBlock, then the NumberView array, then the text of every field.
struct FullBlock {
    EntryRef::Header header;
    BindingView view;
};
static_assert(sizeof(FullBlock) % alignof(NumberView) == 0);  // NumberViews follow a block

// Laid out as: RoutingBlock, then one 16-bit size per number, then the text of the AOR, the
// JID (verified bindings only) and the numbers, in that order.
struct RoutingBlock {
    EntryRef::Header header;
    std::uint16_t aor_size = 0;
    std::uint16_t jid_size = 0;
};
static_assert(sizeof(RoutingBlock) == 12);
static_assert(sizeof(RoutingBlock) % alignof(std::uint16_t) == 0);

std::string_view append(char*& text, std::string_view s) {
    if (!s.empty()) std::memcpy(text, s.data(), s.size());
    const std::string_view placed(text, s.size());
    text += s.size();
    return placed;
}

EntryRef::Header* make_full(const Binding& b) {
    if (b.numbers.size() > std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("binding: too many numbers");
    }
    std::size_t text = b.aor.size() + b.jid.size() + b.display_name.size();
    for (const auto& n : b.numbers) text += n.number.size();
    const std::size_t bytes = sizeof(FullBlock) + b.numbers.size() * sizeof(NumberView) + text;

    void* raw = ::operator new(bytes);
    auto* block = new (raw) FullBlock;
    auto* numbers = reinterpret_cast<NumberView*>(static_cast<char*>(raw) + sizeof(FullBlock));
    char* out = reinterpret_cast<char*>(numbers + b.numbers.size());
    BindingView& v = block->view;
    v.aor = append(out, b.aor);
    v.jid = append(out, b.jid);
    v.display_name = append(out, b.display_name);
    for (std::size_t i = 0; i < b.numbers.size(); ++i) {
        new (numbers + i)
            NumberView{append(out, b.numbers[i].number), b.numbers[i].voice, b.numbers[i].video};
    }
    v.numbers = NumberList(numbers, b.numbers.size());
    v.verification = b.verification;
    v.updated_at = b.updated_at;
    return &block->header;
}

constexpr std::size_t kMax16 = std::numeric_limits<std::uint16_t>::max();

// Whether the routing layout's 16-bit sizes and count hold the binding. The store's limit of
// 256 bytes a field keeps every field within them, but it sets none on the count of numbers
// (a PBX's block of DIDs): such a binding is kept in the full layout, which answers the same
// look-ups (route_of hides an unverified binding's JID from either), rather than refused,
// which refused the whole snapshot and so stopped the proxy following the store.
bool fits_routing(const Binding& b) {
    return b.numbers.size() <= kMax16 && b.aor.size() <= kMax16 && b.jid.size() <= kMax16 &&
           std::all_of(b.numbers.begin(), b.numbers.end(),
                       [](const PhoneNumber& n) { return n.number.size() <= kMax16; });
}

std::uint16_t size16(std::string_view value) { return static_cast<std::uint16_t>(value.size()); }

// Only for a binding that fits_routing().
EntryRef::Header* make_routing(const Binding& b) {
    // The proxy announces only a verified binding's JID; the others are not kept.
    const std::string_view jid = is_verified(b.verification) ? std::string_view(b.jid) : "";
    const std::uint16_t aor_size = size16(b.aor);
    const std::uint16_t jid_size = size16(jid);
    std::size_t text = aor_size + jid_size;
    for (const auto& n : b.numbers) text += n.number.size();
    const std::size_t bytes =
        sizeof(RoutingBlock) + b.numbers.size() * sizeof(std::uint16_t) + text;

    void* raw = ::operator new(bytes);
    auto* block = new (raw) RoutingBlock;
    block->header.profile = SnapshotProfile::routing;
    block->header.verification = static_cast<std::uint8_t>(b.verification);
    block->header.numbers = static_cast<std::uint16_t>(b.numbers.size());
    block->aor_size = aor_size;
    block->jid_size = jid_size;
    auto* sizes = reinterpret_cast<std::uint16_t*>(static_cast<char*>(raw) + sizeof(RoutingBlock));
    char* out = reinterpret_cast<char*>(sizes + b.numbers.size());
    append(out, b.aor);
    append(out, jid);
    for (std::size_t i = 0; i < b.numbers.size(); ++i) {
        sizes[i] = static_cast<std::uint16_t>(b.numbers[i].number.size());
        append(out, b.numbers[i].number);
    }
    return &block->header;
}

const FullBlock& full(const EntryRef::Header* h) { return *reinterpret_cast<const FullBlock*>(h); }
const RoutingBlock& routing(const EntryRef::Header* h) {
    return *reinterpret_cast<const RoutingBlock*>(h);
}
const std::uint16_t* number_sizes(const RoutingBlock& r) {
    return reinterpret_cast<const std::uint16_t*>(reinterpret_cast<const char*>(&r) +
                                                  sizeof(RoutingBlock));
}
const char* routing_text(const RoutingBlock& r) {
    return reinterpret_cast<const char*>(number_sizes(r) + r.header.numbers);
}

}  // namespace

EntryRef EntryRef::make(const Binding& b, SnapshotProfile profile) {
    const bool routing = profile == SnapshotProfile::routing && fits_routing(b);
    return EntryRef(routing ? make_routing(b) : make_full(b));
}

EntryRef::EntryRef(const EntryRef& other) noexcept : block_(other.block_) {
    if (block_) block_->refs.fetch_add(1, std::memory_order_relaxed);
}

EntryRef::~EntryRef() {
    // acq_rel: the last owner's delete must see every other owner's reads finished.
    if (block_ && block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        // Both layouts: the header, views, sizes and text are trivially destructible.
        ::operator delete(static_cast<void*>(block_));
    }
}

const BindingView* EntryRef::view() const {
    if (!block_ || block_->profile == SnapshotProfile::routing) return nullptr;
    return &full(block_).view;
}

std::string_view EntryRef::aor() const {
    if (block_->profile == SnapshotProfile::full) return full(block_).view.aor;
    const auto& r = routing(block_);
    return {routing_text(r), r.aor_size};
}

std::string_view EntryRef::jid() const {
    if (block_->profile == SnapshotProfile::full) return full(block_).view.jid;
    const auto& r = routing(block_);
    return {routing_text(r) + r.aor_size, r.jid_size};
}

Verification EntryRef::verification() const {
    if (block_->profile == SnapshotProfile::full) return full(block_).view.verification;
    return static_cast<Verification>(block_->verification);
}

EntryRef::Numbers EntryRef::numbers() const {
    if (block_->profile == SnapshotProfile::full) {
        const NumberList& list = full(block_).view.numbers;
        // A full entry's NumberViews follow its block (make_full).
        const auto* views = reinterpret_cast<const NumberView*>(
            reinterpret_cast<const char*>(block_) + sizeof(FullBlock));
        return {{views, nullptr, nullptr, 0}, list.size()};
    }
    const auto& r = routing(block_);
    return {{nullptr, number_sizes(r), routing_text(r) + r.aor_size + r.jid_size, 0},
            r.header.numbers};
}

std::size_t EntryRef::bytes() const {
    std::size_t text = aor().size() + jid().size();
    for (const auto n : numbers()) text += n.size();
    if (block_->profile == SnapshotProfile::full) {
        const auto& v = full(block_).view;
        return sizeof(FullBlock) + v.numbers.size() * sizeof(NumberView) + text +
               v.display_name.size();
    }
    return sizeof(RoutingBlock) + block_->numbers * sizeof(std::uint16_t) + text;
}

}  // namespace cusax::store
