#include "shared/store/binding.hpp"

#include <algorithm>
#include <string>

#include "shared/address/jid.hpp"
#include "shared/address/safe_text.hpp"
#include "shared/address/sip_address.hpp"
#include "shared/store/field_error.hpp"
#include "shared/store/first_repeat.hpp"

namespace cusax::store {

std::string_view to_string(Verification v) {
    switch (v) {
        case Verification::Unverified:
            return "unverified";
        case Verification::Admin:
            return "admin";
        case Verification::Directory:
            return "directory";
        case Verification::Mutual:
            return "mutual";
    }
    return "unverified";
}

std::optional<Verification> verification_from_string(std::string_view text) {
    for (auto v : {Verification::Unverified, Verification::Admin, Verification::Directory,
                   Verification::Mutual}) {
        if (to_string(v) == text) return v;
    }
    return std::nullopt;
}

bool is_verified(Verification v) {
    // RFC 7081 §3.5: only a binding confirmed by trusted provisioning may be announced.
    switch (v) {
        case Verification::Admin:
        case Verification::Directory:
        case Verification::Mutual:
            return true;
        case Verification::Unverified:
            break;
    }
    return false;
}

namespace {

std::string_view number_of(const PhoneNumber& n) { return n.number; }

}  // namespace

Binding make_binding(std::string_view aor, std::string_view jid, std::string_view display_name,
                     const std::vector<PhoneNumber>& numbers, Verification verification) {
    Binding b;
    auto parsed_aor = address::normalise_aor(aor);
    if (!parsed_aor) throw BindingError(field_error("aor", aor, parsed_aor.error));
    b.aor = std::move(*parsed_aor.value);

    auto parsed_jid = address::normalise_bare_jid(jid);
    if (!parsed_jid) throw BindingError(field_error("jid", jid, parsed_jid.error));
    b.jid = std::move(*parsed_jid.value);

    // The display name ends up in a SIP header and in XML: refuse what could break either.
    if (auto why = address::unsafe_reason(display_name, address::kMaxDisplayNameLength);
        !why.empty()) {
        throw BindingError(field_error("display name", display_name, why));
    }
    b.display_name = std::string(display_name);

    b.numbers.reserve(numbers.size());
    for (const auto& n : numbers) {
        auto parsed = address::normalise_number(n.number);
        if (!parsed) throw BindingError(field_error("number", n.number, parsed.error));
        if (!n.voice && !n.video) {
            throw BindingError(field_error("number", n.number, "neither voice nor video"));
        }
        b.numbers.push_back(PhoneNumber{std::move(*parsed.value), n.voice, n.video});
    }
    // Two spellings of one number are one number: named as the caller spelled the second.
    if (const auto twice = first_repeat(b.numbers, number_of))
        throw BindingError(field_error("number", numbers[*twice].number, "listed twice"));
    b.verification = verification;
    return b;
}

void check_binding(const Binding& b) {
    const auto check = [](std::string_view field, std::string_view value, std::size_t max) {
        if (auto why = address::unsafe_reason(value, max); !why.empty()) {
            throw BindingError(field_error(field, value, why));
        }
    };
    if (b.aor.empty()) throw BindingError("aor \"\": empty");
    if (b.jid.empty()) throw BindingError("jid \"\": empty");
    check("aor", b.aor, address::kMaxAddressLength);
    check("jid", b.jid, address::kMaxAddressLength);
    check("display name", b.display_name, address::kMaxDisplayNameLength);
    for (const PhoneNumber& n : b.numbers) {
        if (n.number.empty()) throw BindingError("number \"\": empty");
        check("number", n.number, address::kMaxAddressLength);
        if (!n.voice && !n.video) {
            throw BindingError(field_error("number", n.number, "neither voice nor video"));
        }
    }
    if (const auto twice = first_repeat(b.numbers, number_of))
        throw BindingError(field_error("number", b.numbers[*twice].number, "listed twice"));
}

}  // namespace cusax::store
