#pragma once
// The position of the first element of a list whose key an earlier element already had. A
// binding may list tens of thousands of numbers (a PBX block: the store sets no limit), where
// comparing each with every earlier one took seconds; short lists, the usual case, are
// compared pairwise without allocating.
#include <cstddef>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace cusax::store {

template <typename Range, typename KeyOf>
std::optional<std::size_t> first_repeat(const Range& items, KeyOf key_of) {
    constexpr std::size_t kPairwiseUpTo = 16;
    if (items.size() <= kPairwiseUpTo) {
        std::size_t i = 0;
        for (auto it = items.begin(); it != items.end(); ++it, ++i) {
            const std::string_view key = key_of(*it);
            for (auto earlier = items.begin(); earlier != it; ++earlier)
                if (key_of(*earlier) == key) return i;
        }
        return std::nullopt;
    }
    std::unordered_set<std::string_view> seen;
    seen.reserve(items.size());
    std::size_t i = 0;
    for (const auto& item : items) {
        if (!seen.insert(key_of(item)).second) return i;
        ++i;
    }
    return std::nullopt;
}

}  // namespace cusax::store
