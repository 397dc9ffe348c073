#include "cusaxctl/repeated_keys.hpp"

#include <cstdint>
#include <functional>
#include <string_view>

namespace cusax::ctl {
namespace {

// Keys of one kind, each with the binding it came from. Slots hold a key's position + 1
// (0: empty); the table is at most half full, so probes stay short.
class KeyTable {
  public:
    explicit KeyTable(std::size_t keys) {
        std::size_t capacity = 16;
        while (capacity < keys * 2) capacity *= 2;
        slots_.assign(capacity, 0);
        mask_ = capacity - 1;
        keys_.reserve(keys);
        owners_.reserve(keys);
    }

    // The binding that already has `key`; otherwise records it for `owner` and returns none.
    std::optional<std::size_t> claim(std::string_view key, std::size_t owner) {
        for (std::size_t i = std::hash<std::string_view>{}(key)&mask_;; i = (i + 1) & mask_) {
            const std::uint32_t slot = slots_[i];
            if (slot == 0) {
                keys_.push_back(key);
                owners_.push_back(owner);
                slots_[i] = static_cast<std::uint32_t>(keys_.size());
                return std::nullopt;
            }
            if (keys_[slot - 1] == key) return owners_[slot - 1];
        }
    }

  private:
    std::vector<std::uint32_t> slots_;
    std::size_t mask_ = 0;
    std::vector<std::string_view> keys_;
    std::vector<std::size_t> owners_;
};

}  // namespace

std::optional<RepeatedKey> first_repeated_key(const std::vector<store::Binding>& bindings,
                                              std::size_t count) {
    std::size_t numbers = 0;
    for (std::size_t i = 0; i < count; ++i) numbers += bindings[i].numbers.size();
    KeyTable aors(count), jids(count), phone_numbers(numbers);
    for (std::size_t i = 0; i < count; ++i) {
        const auto& b = bindings[i];
        if (const auto first = aors.claim(b.aor, i)) return RepeatedKey{i, *first, "aor " + b.aor};
        if (const auto first = jids.claim(b.jid, i)) return RepeatedKey{i, *first, "jid " + b.jid};
        for (const auto& n : b.numbers) {
            if (const auto first = phone_numbers.claim(n.number, i)) {
                return RepeatedKey{i, *first, "number " + n.number};
            }
        }
    }
    return std::nullopt;
}

}  // namespace cusax::ctl
