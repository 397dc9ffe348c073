#pragma once
// The first binding of a list that repeats the AOR, JID or a number of an earlier one, as an
// import file must not (binding_csv.hpp). One open-addressing table per kind over views of the
// bindings' own strings: a million rows cost three arrays of slots, where a map of copied keys
// cost a third of the file's reading time and as much again to free.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "shared/store/binding.hpp"

namespace cusax::ctl {

struct RepeatedKey {
    std::size_t index;        // the binding that repeats it
    std::size_t first_index;  // the earlier binding that has it
    std::string key;          // "aor sip:a@example.com", "jid a@example.com", "number +1555"
};

// Looks at bindings[0, count) in order, and within one its AOR, JID, then numbers in order:
// the first key met a second time is the one reported.
std::optional<RepeatedKey> first_repeated_key(const std::vector<store::Binding>& bindings,
                                              std::size_t count);

}  // namespace cusax::ctl
