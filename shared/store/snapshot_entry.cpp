#include "shared/store/snapshot_entry.hpp"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

namespace cusax::store {

// Laid out as: Block, then the NumberView array, then the text of every field.
struct EntryRef::Block {
    std::atomic<std::uint32_t> refs{1};
    BindingView view;
};
static_assert(sizeof(BindingView) % alignof(NumberView) == 0);  // NumberViews follow a Block

namespace {

std::string_view append(char*& text, std::string_view s) {
    if (!s.empty()) std::memcpy(text, s.data(), s.size());
    const std::string_view placed(text, s.size());
    text += s.size();
    return placed;
}

}  // namespace

EntryRef EntryRef::make(const Binding& b) {
    if (b.numbers.size() > std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("binding: too many numbers");
    }
    std::size_t text = b.aor.size() + b.jid.size() + b.display_name.size();
    for (const auto& n : b.numbers) text += n.number.size();
    const std::size_t bytes = sizeof(Block) + b.numbers.size() * sizeof(NumberView) + text;

    void* raw = ::operator new(bytes);
    auto* block = new (raw) Block;
    auto* numbers = reinterpret_cast<NumberView*>(static_cast<char*>(raw) + sizeof(Block));
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
    return EntryRef(block);
}

EntryRef::EntryRef(const EntryRef& other) noexcept : block_(other.block_) {
    if (block_) block_->refs.fetch_add(1, std::memory_order_relaxed);
}

EntryRef::~EntryRef() {
    // acq_rel: the last owner's delete must see every other owner's reads finished.
    if (block_ && block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        block_->~Block();  // NumberViews and text are trivially destructible
        ::operator delete(static_cast<void*>(block_));
    }
}

const BindingView* EntryRef::get() const { return block_ ? &block_->view : nullptr; }

}  // namespace cusax::store
