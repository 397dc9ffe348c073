#pragma once
// Normalised addresses: the keys the binding store and both daemons look things up by.
#include <optional>
#include <string>
#include <string_view>

namespace cusax::address {

// What a SIP or tel URI identifies once normalised: an address-of-record (RFC 3261 §10.3)
// or a phone number (RFC 3966), which are looked up in different tables.
struct AddressKey {
    enum class Kind { Aor, Number };
    Kind kind = Kind::Aor;
    // Aor:    "sip:alice@example.com" (scheme and host lower-case, user as given, no params).
    // Number: "+4930123456" (global, E.164, separators removed) or "1234" (local digits).
    std::string value;

    bool operator==(const AddressKey&) const = default;
};

// The outcome of a parse: a value, or a one-line reason it was refused.
template <typename T>
struct Parsed {
    std::optional<T> value;
    std::string error;  // empty when value is set

    explicit operator bool() const { return value.has_value(); }
    static Parsed ok(T v) { return Parsed{std::move(v), {}}; }
    static Parsed fail(std::string why) { return Parsed{std::nullopt, std::move(why)}; }
};

}  // namespace cusax::address
