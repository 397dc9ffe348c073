#pragma once
// One binding as a snapshot keeps it, in one allocation where Binding with its std::strings and
// vector takes four and more memory (docs/binding-snapshot.md). Immutable and
// reference-counted, so that the next snapshot shares every binding a change did not touch
// instead of copying it.
// Two layouts, one per SnapshotProfile: `full` holds a BindingView, its numbers and all their
// text; `routing` holds only the AOR, the numbers, the verification state and the JID of a
// verified binding, behind a 12-byte header with 16-bit sizes (no BindingView: about a
// third of the size).
// An entry of many numbers (a PBX's block) also holds their positions sorted by text, so that
// lists() answers for it by binary search, not by comparing every number (snapshot_entry.cpp,
// docs/binding-snapshot.md).
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "shared/store/binding.hpp"
#include "shared/store/binding_view.hpp"
#include "shared/store/snapshot_profile.hpp"

namespace cusax::store {

class EntryRef {
  public:
    EntryRef() = default;
    // A binding the routing layout cannot hold (a field over 65,535 bytes, or more numbers:
    // the store limits fields to 256 bytes but sets no limit on numbers) gets the full
    // layout, which answers the same.
    static EntryRef make(const Binding& binding, SnapshotProfile profile);

    EntryRef(const EntryRef& other) noexcept;
    EntryRef(EntryRef&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
    EntryRef& operator=(EntryRef other) noexcept {
        std::swap(block_, other.block_);
        return *this;
    }
    ~EntryRef();

    explicit operator bool() const { return block_ != nullptr; }

    // The whole binding; nullptr for a routing entry. Stable for as long as any EntryRef to
    // this entry lives (as are the string_views below).
    const BindingView* view() const;

    std::string_view aor() const;
    // A routing entry's is empty unless the binding is verified.
    std::string_view jid() const;
    Verification verification() const;

    // The numbers' text, in the binding's order, for either layout.
    class Numbers;
    Numbers numbers() const;
    // Whether `number` is one of them (the whole text, not a prefix): what a snapshot's index
    // of numbers asks of the entry a slot names.
    bool lists(std::string_view number) const;

    // What the entry's allocation asked for (without the allocator's own overhead).
    std::size_t bytes() const;

    struct Header;  // layout detail (snapshot_entry.cpp)

  private:
    explicit EntryRef(Header* block) : block_(block) {}
    Header* block_ = nullptr;
};

class EntryRef::Numbers {
  public:
    class iterator {
      public:
        using iterator_category = std::input_iterator_tag;  // yields values, not references
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using reference = std::string_view;
        using pointer = void;

        iterator() = default;
        iterator(const NumberView* view, const std::uint16_t* size, const char* text, std::size_t i)
            : view_(view), size_(size), text_(text), i_(i) {}
        std::string_view operator*() const {
            return view_ ? view_->number : std::string_view(text_, *size_);
        }
        iterator& operator++() {
            if (view_) {
                ++view_;
            } else {
                text_ += *size_;
                ++size_;
            }
            ++i_;
            return *this;
        }
        bool operator==(const iterator& o) const { return i_ == o.i_; }

      private:
        const NumberView* view_ = nullptr;  // a full entry's, else the two below
        const std::uint16_t* size_ = nullptr;
        const char* text_ = nullptr;
        std::size_t i_ = 0;
    };

    Numbers(iterator first, std::size_t count) : first_(first), count_(count) {}
    iterator begin() const { return first_; }
    iterator end() const { return {nullptr, nullptr, nullptr, count_}; }
    std::size_t size() const { return count_; }

  private:
    iterator first_;
    std::size_t count_;
};

}  // namespace cusax::store
