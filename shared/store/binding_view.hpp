#pragma once
// A read-only view of one binding: what a Snapshot hands out. Its text lives in the snapshot's
// compact entry (snapshot_entry.hpp), not in std::strings of its own, which keeps a large
// snapshot small (docs/binding-snapshot.md). Member names are Binding's, so code reading
// `b->aor` or `for (const auto& n : b->numbers)` reads either.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

#include "shared/store/binding.hpp"

namespace cusax::store {

struct NumberView {
    std::string_view number;
    bool voice = true;
    bool video = false;

    bool operator==(const NumberView&) const = default;
};

// The numbers of a binding: over a snapshot entry's NumberView array, or over an owned
// Binding's PhoneNumber vector (see BindingView(const Binding&)). Yields NumberView by value.
class NumberList {
  public:
    class iterator {
      public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = NumberView;
        using difference_type = std::ptrdiff_t;
        using reference = NumberView;
        struct pointer {
            NumberView view;
            const NumberView* operator->() const { return &view; }
        };

        iterator() = default;
        iterator(const NumberList* list, std::size_t i) : list_(list), i_(i) {}
        NumberView operator*() const { return (*list_)[i_]; }
        pointer operator->() const { return {(*list_)[i_]}; }
        iterator& operator++() {
            ++i_;
            return *this;
        }
        iterator operator++(int) {
            auto old = *this;
            ++i_;
            return old;
        }
        bool operator==(const iterator& o) const { return i_ == o.i_; }

      private:
        const NumberList* list_ = nullptr;
        std::size_t i_ = 0;
    };

    NumberList() = default;
    NumberList(const NumberView* views, std::size_t count)
        : data_(views), size_(static_cast<std::uint32_t>(count)) {}
    explicit NumberList(const std::vector<PhoneNumber>& owned)
        : data_(owned.data()), size_(static_cast<std::uint32_t>(owned.size())), owned_(true) {}

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    NumberView operator[](std::size_t i) const {
        if (!owned_) return static_cast<const NumberView*>(data_)[i];
        const auto& n = static_cast<const PhoneNumber*>(data_)[i];
        return {n.number, n.voice, n.video};
    }
    iterator begin() const { return {this, 0}; }
    iterator end() const { return {this, size_}; }

  private:
    const void* data_ = nullptr;
    std::uint32_t size_ = 0;
    bool owned_ = false;
};

struct BindingView {
    std::string_view aor;
    std::string_view jid;
    std::string_view display_name;
    NumberList numbers;
    Verification verification = Verification::Unverified;
    std::int64_t updated_at = 0;

    BindingView() = default;
    // A view of an owned binding, valid while it lives: lets functions that take a
    // BindingView be called with a Binding (tests, cusaxctl).
    BindingView(const Binding& b);  // NOLINT(google-explicit-constructor): by design

    Binding to_binding() const;
};

// Field by field, numbers in order (a view and a binding compare too, through the converter).
bool operator==(const BindingView& a, const BindingView& b);

}  // namespace cusax::store
