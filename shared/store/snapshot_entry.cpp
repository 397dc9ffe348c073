#include "shared/store/snapshot_entry.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <limits>
#include <new>
#include <numeric>
#include <span>
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

// A snapshot's index of numbers holds only an entry's position, so each look-up that meets an
// entry asks it whether it lists the number: a scan, fine for the usual one to three numbers,
// but a PBX's block of tens of thousands made every call to one of its numbers, and every
// probe meeting it while a snapshot is built, compare them all. Above kScanLimit numbers an
// entry therefore also keeps its numbers' positions sorted by text (32 bits each), and lists()
// searches them in O(log n); the numbers themselves stay in the order listed (the vCard's).
// Kept in the entry rather than in a table beside the snapshot: the entry is immutable and
// shared between snapshots, so Snapshot::apply and a rebuilt index need nothing more, and
// whether the array is there follows from the count, so an entry of up to kScanLimit numbers
// keeps its layout byte for byte. Up to 32 short strings a scan costs about what a binary
// search does (five comparisons, each behind an indirection).
constexpr std::size_t kScanLimit = 32;
bool has_sorted(std::size_t numbers) { return numbers > kScanLimit; }

// Sorts `positions` (of numbers, 0 to size-1) by the text `number_at` gives for each.
template <typename NumberAt>
void sort_positions(std::span<std::uint32_t> positions, NumberAt number_at) {
    std::iota(positions.begin(), positions.end(), std::uint32_t{0});
    std::ranges::sort(positions, std::ranges::less{}, number_at);
}

template <typename NumberAt>
bool sorted_lists(std::span<const std::uint32_t> sorted, std::string_view number,
                  NumberAt number_at) {
    return std::ranges::binary_search(sorted, number, std::ranges::less{}, number_at);
}

// Laid out as: FullBlock, then the NumberView array, then the sorted positions (has_sorted()
// only), then the text of every field.
struct FullBlock {
    EntryRef::Header header;
    BindingView view;
};
static_assert(sizeof(FullBlock) % alignof(NumberView) == 0);  // NumberViews follow a block
static_assert(sizeof(NumberView) % alignof(std::uint32_t) == 0);

// Laid out as: RoutingBlock; for has_sorted() only, where each number's text starts (32-bit
// offsets from the first number's, in the binding's order: a search reads numbers out of
// order, the sizes alone give them only in order) and the sorted positions; then one 16-bit
// size per number; then the text of the AOR, the JID (verified bindings only) and the
// numbers, in that order.
struct RoutingBlock {
    EntryRef::Header header;
    std::uint16_t aor_size = 0;
    std::uint16_t jid_size = 0;
};
static_assert(sizeof(RoutingBlock) == 12);
static_assert(sizeof(RoutingBlock) % alignof(std::uint32_t) == 0);

std::size_t full_sorted_bytes(std::size_t numbers) {
    return has_sorted(numbers) ? numbers * sizeof(std::uint32_t) : 0;
}
std::size_t routing_sorted_bytes(std::size_t numbers) {
    return has_sorted(numbers) ? 2 * numbers * sizeof(std::uint32_t) : 0;
}

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
    const std::size_t count = b.numbers.size();
    std::size_t text = b.aor.size() + b.jid.size() + b.display_name.size();
    for (const auto& n : b.numbers) text += n.number.size();
    const std::size_t bytes =
        sizeof(FullBlock) + count * sizeof(NumberView) + full_sorted_bytes(count) + text;

    void* raw = ::operator new(bytes);
    auto* block = new (raw) FullBlock;
    auto* numbers = reinterpret_cast<NumberView*>(static_cast<char*>(raw) + sizeof(FullBlock));
    auto* sorted = reinterpret_cast<std::uint32_t*>(numbers + count);
    char* out = reinterpret_cast<char*>(sorted) + full_sorted_bytes(count);
    BindingView& v = block->view;
    v.aor = append(out, b.aor);
    v.jid = append(out, b.jid);
    v.display_name = append(out, b.display_name);
    for (std::size_t i = 0; i < b.numbers.size(); ++i) {
        new (numbers + i)
            NumberView{append(out, b.numbers[i].number), b.numbers[i].voice, b.numbers[i].video};
    }
    v.numbers = NumberList(numbers, count);
    v.verification = b.verification;
    v.updated_at = b.updated_at;
    if (has_sorted(count)) {
        sort_positions({sorted, count}, [numbers](std::uint32_t i) { return numbers[i].number; });
    }
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
    const std::size_t count = b.numbers.size();
    std::size_t text = aor_size + jid_size;
    for (const auto& n : b.numbers) text += n.number.size();
    const std::size_t bytes =
        sizeof(RoutingBlock) + routing_sorted_bytes(count) + count * sizeof(std::uint16_t) + text;

    void* raw = ::operator new(bytes);
    auto* block = new (raw) RoutingBlock;
    block->header.profile = SnapshotProfile::routing;
    block->header.verification = static_cast<std::uint8_t>(b.verification);
    block->header.numbers = static_cast<std::uint16_t>(count);
    block->aor_size = aor_size;
    block->jid_size = jid_size;
    // Within 32 bits: at most 65,535 numbers of at most 65,535 bytes each (fits_routing).
    auto* starts = reinterpret_cast<std::uint32_t*>(static_cast<char*>(raw) + sizeof(RoutingBlock));
    auto* sorted = starts + count;
    auto* sizes = reinterpret_cast<std::uint16_t*>(reinterpret_cast<char*>(starts) +
                                                   routing_sorted_bytes(count));
    char* out = reinterpret_cast<char*>(sizes + count);
    append(out, b.aor);
    append(out, jid);
    const char* first_number = out;
    for (std::size_t i = 0; i < count; ++i) {
        sizes[i] = static_cast<std::uint16_t>(b.numbers[i].number.size());
        if (has_sorted(count)) starts[i] = static_cast<std::uint32_t>(out - first_number);
        append(out, b.numbers[i].number);
    }
    if (has_sorted(count)) {
        sort_positions({sorted, count}, [&](std::uint32_t i) {
            return std::string_view(first_number + starts[i], sizes[i]);
        });
    }
    return &block->header;
}

const FullBlock& full(const EntryRef::Header* h) { return *reinterpret_cast<const FullBlock*>(h); }
const RoutingBlock& routing(const EntryRef::Header* h) {
    return *reinterpret_cast<const RoutingBlock*>(h);
}
const NumberView* full_numbers(const EntryRef::Header* h) {
    return reinterpret_cast<const NumberView*>(reinterpret_cast<const char*>(h) +
                                               sizeof(FullBlock));
}
// Only for has_sorted().
const std::uint32_t* number_starts(const RoutingBlock& r) {
    return reinterpret_cast<const std::uint32_t*>(reinterpret_cast<const char*>(&r) +
                                                  sizeof(RoutingBlock));
}
const std::uint16_t* number_sizes(const RoutingBlock& r) {
    return reinterpret_cast<const std::uint16_t*>(reinterpret_cast<const char*>(&r) +
                                                  sizeof(RoutingBlock) +
                                                  routing_sorted_bytes(r.header.numbers));
}
const char* routing_text(const RoutingBlock& r) {
    return reinterpret_cast<const char*>(number_sizes(r) + r.header.numbers);
}
const char* routing_numbers_text(const RoutingBlock& r) {
    return routing_text(r) + r.aor_size + r.jid_size;
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
        return {{full_numbers(block_), nullptr, nullptr, 0}, full(block_).view.numbers.size()};
    }
    const auto& r = routing(block_);
    return {{nullptr, number_sizes(r), routing_numbers_text(r), 0}, r.header.numbers};
}

bool EntryRef::lists(std::string_view number) const {
    const Numbers all = numbers();
    const std::size_t count = all.size();
    if (!has_sorted(count)) {
        return std::any_of(all.begin(), all.end(), [&](std::string_view n) { return n == number; });
    }
    if (block_->profile == SnapshotProfile::full) {
        const NumberView* views = full_numbers(block_);
        const auto* sorted = reinterpret_cast<const std::uint32_t*>(views + count);
        return sorted_lists({sorted, count}, number,
                            [views](std::uint32_t i) { return views[i].number; });
    }
    const auto& r = routing(block_);
    const std::uint32_t* starts = number_starts(r);
    const std::uint16_t* sizes = number_sizes(r);
    const char* text = routing_numbers_text(r);
    return sorted_lists({starts + count, count}, number, [=](std::uint32_t i) {
        return std::string_view(text + starts[i], sizes[i]);
    });
}

std::size_t EntryRef::bytes() const {
    std::size_t text = aor().size() + jid().size();
    for (const auto n : numbers()) text += n.size();
    if (block_->profile == SnapshotProfile::full) {
        const auto& v = full(block_).view;
        return sizeof(FullBlock) + v.numbers.size() * sizeof(NumberView) +
               full_sorted_bytes(v.numbers.size()) + text + v.display_name.size();
    }
    return sizeof(RoutingBlock) + routing_sorted_bytes(block_->numbers) +
           block_->numbers * sizeof(std::uint16_t) + text;
}

}  // namespace cusax::store
