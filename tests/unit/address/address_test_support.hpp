#pragma once
// Helpers for the address tests: a result as one string, so EXPECT_EQ shows what came back.
#include <string>
#include <string_view>

#include "shared/address/address_key.hpp"

namespace cusax::address::testing {

// The value, or "error: <message>" so that a refusal never equals an expected value.
template <typename T>
std::string shown(const Parsed<T>& parsed) {
    if (!parsed) {
        return "error: " + parsed.error;
    }
    if constexpr (std::is_same_v<T, AddressKey>) {
        return (parsed.value->kind == AddressKey::Kind::Aor ? "aor " : "number ") +
               parsed.value->value;
    } else {
        return *parsed.value;
    }
}

// The error of a refused value; a value that was accepted gives "" (tests then fail on it).
template <typename T>
std::string error_of(const Parsed<T>& parsed) {
    return parsed ? std::string{} : parsed.error;
}

}  // namespace cusax::address::testing
