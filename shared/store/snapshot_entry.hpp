#pragma once
// One binding as a snapshot keeps it: its BindingView, its numbers and all their text in one
// allocation, where Binding with its std::strings and vector takes four and more memory
// (docs/binding-snapshot.md). Immutable and reference-counted, so that the next snapshot
// shares every binding a change did not touch instead of copying it.
#include <cstddef>

#include "shared/store/binding.hpp"
#include "shared/store/binding_view.hpp"

namespace cusax::store {

class EntryRef {
  public:
    EntryRef() = default;
    static EntryRef make(const Binding& binding);

    EntryRef(const EntryRef& other) noexcept;
    EntryRef(EntryRef&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
    EntryRef& operator=(EntryRef other) noexcept {
        std::swap(block_, other.block_);
        return *this;
    }
    ~EntryRef();

    explicit operator bool() const { return block_ != nullptr; }
    // Stable for as long as any EntryRef to this entry lives.
    const BindingView* get() const;
    const BindingView* operator->() const { return get(); }
    const BindingView& operator*() const { return *get(); }

  private:
    struct Block;
    explicit EntryRef(Block* block) : block_(block) {}
    Block* block_ = nullptr;
};

}  // namespace cusax::store
