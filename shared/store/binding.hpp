#pragma once
// A binding: one SIP address-of-record and one bare JID that belong to the same user.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cusax::store {

// How far a binding is trusted. Only "verified" states make the proxy announce the JID
// (RFC 7081 §3.5: an unconfirmed AOR-to-JID binding lets anyone pose as a contact).
// Stored as text, so a new state needs no schema change.
enum class Verification {
    Unverified,  // provisioned, not confirmed
    Admin,       // confirmed by an operator (cusaxctl verify)
    Directory,   // confirmed by a trusted directory import
    Mutual,      // RFC 7081 §3.3: the JID's own vCard lists this AOR (cusaxctl verify --mutual)
};

std::string_view to_string(Verification v);
std::optional<Verification> verification_from_string(std::string_view text);
bool is_verified(Verification v);

// A number that reaches the user through the SIP service (RFC 6350 tel, "video" type).
struct PhoneNumber {
    std::string number;  // normalised: "+4930123456" or local digits
    bool voice = true;
    bool video = false;

    bool operator==(const PhoneNumber&) const = default;
};

struct Binding {
    std::string aor;           // normalised, see address::normalise_aor
    std::string jid;           // normalised bare JID
    std::string display_name;  // may be empty
    std::vector<PhoneNumber> numbers;
    Verification verification = Verification::Unverified;
    std::int64_t updated_at = 0;  // unix seconds, set by the store

    bool operator==(const Binding&) const = default;
};

// Raised for input the store refuses (bad address, duplicate AOR/JID/number, ...).
// The message is one line and names the offending value.
struct BindingError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Normalises and validates every field of a binding as typed by an operator or a file.
// Throws BindingError naming the field.
Binding make_binding(std::string_view aor, std::string_view jid, std::string_view display_name,
                     const std::vector<PhoneNumber>& numbers, Verification verification);

// The checks every store backend makes on every binding it writes, whoever built it: AOR
// and JID present, no text that could break a SIP header or XML, each number present once
// and marked voice and/or video. Cheap (no normalisation: that is make_binding's job).
// Throws BindingError naming the field.
void check_binding(const Binding& binding);

}  // namespace cusax::store
