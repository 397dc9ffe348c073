#pragma once
// A hash index for a snapshot: open addressing with linear probing over 32-bit slots that hold
// only a position in the snapshot's entry table (+1; 0 is empty, kTombstone a removed key).
// The key lives in the entry already, so the index costs a slot per entry instead of a node
// per entry as std::unordered_map would (docs/binding-snapshot.md).
// The slots are a CowArray: the next snapshot copies the index cheaply and rewrites only the
// chunks its changes touch. Removal leaves a tombstone (a backward shift would need every
// moved key's hash); insertion reuses the first tombstone on its path, and the owner rebuilds
// the index when tombstones and keys would fill three quarters of it (has_room()).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "shared/store/cow_array.hpp"

namespace cusax::store {

class FlatIndex {
  public:
    static std::uint64_t hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

    // Sizes the table for `entries` keys, discarding any.
    void reserve(std::size_t entries) {
        std::size_t capacity = 16;
        while (capacity < entries * 2) capacity *= 2;  // at most half full: short probes
        slots_.assign(capacity, 0);
        mask_ = capacity - 1;
        used_ = 0;
    }

    // Adds `position` under `h` unless an equal key is there (`matches(p)` says whether the
    // key at position p equals the one being added); then returns that position.
    template <typename Matches>
    std::optional<std::uint32_t> insert(std::uint64_t h, std::uint32_t position,
                                        Matches&& matches) {
        std::optional<std::size_t> reuse;
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            const std::uint32_t slot = slots_[i];
            if (slot == kTombstone) {
                if (!reuse) reuse = i;
                continue;
            }
            if (slot == 0) {
                if (!reuse) ++used_;
                slots_.write(reuse.value_or(i)) = position + 1;
                return std::nullopt;
            }
            if (matches(slot - 1)) return slot - 1;
        }
    }

    template <typename Matches>
    std::optional<std::uint32_t> find(std::uint64_t h, Matches&& matches) const {
        if (slots_.size() == 0) return std::nullopt;
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            const std::uint32_t slot = slots_[i];
            if (slot == 0) return std::nullopt;
            if (slot != kTombstone && matches(slot - 1)) return slot - 1;
        }
    }

    // Removes one slot holding `position` on the path of `h`. For a key shared by several
    // slots of one position (a binding's numbers) any of them goes; the caller removes all.
    void erase(std::uint64_t h, std::uint32_t position) {
        if (slots_.size() == 0) return;
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            const std::uint32_t slot = slots_[i];
            if (slot == 0) return;
            if (slot == position + 1) {
                slots_.write(i) = kTombstone;
                return;
            }
        }
    }

    // Whether `keys` more keys keep keys and tombstones within three quarters of the table
    // (beyond, probes grow long and the table could fill): if not, the owner rebuilds it.
    bool has_room(std::size_t keys) const { return (used_ + keys) * 4 <= slots_.size() * 3; }

    std::size_t memory_bytes() const { return slots_.memory_bytes(); }

  private:
    static constexpr std::uint32_t kTombstone = 0xffffffff;
    CowArray<std::uint32_t, 12> slots_;
    std::size_t mask_ = 0;
    std::size_t used_ = 0;  // slots not empty: keys and tombstones
};

}  // namespace cusax::store
