#pragma once
// A hash index for an immutable snapshot: open addressing with linear probing over 32-bit
// slots that hold only a position in the snapshot's vector (+1; 0 is empty). The key lives
// in the vector already, so the index costs 8-16 bytes per entry (at most half full)
// instead of a node per entry (~56 bytes with std::unordered_map): 1,000,000 bindings,
// three indexes, about 25-50 MB.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace cusax::store {

class FlatIndex {
  public:
    static std::uint64_t hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

    // Sizes the table for `entries` entries, discarding any.
    void reserve(std::size_t entries) {
        std::size_t capacity = 16;
        while (capacity < entries * 2) capacity *= 2;  // at most half full: short probes
        slots_.assign(capacity, 0);
        mask_ = capacity - 1;
    }

    // Adds `position` under `hash` unless an equal key is there (`matches(p)` says whether
    // the key at position p equals the one being added); then returns that position.
    template <typename Matches>
    std::optional<std::uint32_t> insert(std::uint64_t h, std::uint32_t position,
                                        Matches&& matches) {
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            if (slots_[i] == 0) {
                slots_[i] = position + 1;
                return std::nullopt;
            }
            if (matches(slots_[i] - 1)) return slots_[i] - 1;
        }
    }

    template <typename Matches>
    std::optional<std::uint32_t> find(std::uint64_t h, Matches&& matches) const {
        if (slots_.empty()) return std::nullopt;
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            if (slots_[i] == 0) return std::nullopt;
            if (matches(slots_[i] - 1)) return slots_[i] - 1;
        }
    }

    std::size_t memory_bytes() const { return slots_.capacity() * sizeof(std::uint32_t); }

  private:
    std::vector<std::uint32_t> slots_;
    std::size_t mask_ = 0;
};

}  // namespace cusax::store
