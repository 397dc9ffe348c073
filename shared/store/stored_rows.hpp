#pragma once
// Rows read back from a store, checked on the way out. What a row holds may have been typed
// into a sqlite3 or psql shell rather than written through check_binding(): problems are
// counted, and logged once per read, not per row. Both engines read through these.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shared/store/binding.hpp"

namespace cusax::store {

struct LoadProblems {
    std::size_t unsafe_rows = 0;
    std::size_t unknown_states = 0;
    std::string first_unsafe;

    void log() const;
};

// A binding from its columns; nullopt (counted) when its text is unsafe. An unknown
// verification state reads as unverified (counted).
std::optional<Binding> read_binding(std::string_view aor, std::string_view jid,
                                    std::string_view display_name, std::string_view verification,
                                    std::int64_t updated_at, LoadProblems& problems);

// A number from its columns; nullopt (counted) when its text is unsafe.
std::optional<PhoneNumber> read_number(std::string_view number, bool voice, bool video,
                                       LoadProblems& problems);

}  // namespace cusax::store
