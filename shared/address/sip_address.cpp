#include "shared/address/sip_address.hpp"

#include <algorithm>

#include "shared/address/dialled_number.hpp"
#include "shared/address/host_name.hpp"
#include "shared/address/message_text.hpp"
#include "shared/address/phone_number.hpp"
#include "shared/address/safe_text.hpp"
#include "shared/address/uri_chars.hpp"

namespace cusax::address {
namespace {

using chars::hex_value;
using chars::is_escape_at;
using chars::trim_spaces;
using Result = Parsed<AddressKey>;

// Whole input: a URI, a display name, the quotes, spaces and header parameters around them.
constexpr std::size_t kMaxInputLength = kMaxAddressLength + kMaxDisplayNameLength + 64;
constexpr unsigned kMaxPort = 65535;

// A step's verdict: empty when fine, else the reason (no quoted input). Empty strings do
// not allocate, so the good path costs nothing.
using Problem = std::string;

template <typename Allowed>
Problem check_chars(std::string_view part, std::string_view part_name, Allowed allowed) {
    for (std::size_t i = 0; i < part.size(); ++i) {
        const char c = part[i];
        if (c == '%') {
            if (!is_escape_at(part, i)) {
                return std::string(part_name) + " has a '%' not followed by two hex digits";
            }
            i += 2;
        } else if (!allowed(c)) {
            return std::string(part_name) + " contains " + describe_char(c);
        }
    }
    return {};
}

// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
constexpr bool is_token_char(char c) {
    return chars::is_alphanum(c) || chars::is_one_of(c, "-.!%*_+`'~");
}

// The addr-spec inside a name-addr ("Name" <uri>;tag=x), or the whole text when it has no
// angle brackets. Outside brackets the text is taken as a URI, parameters and all: the values
// this parser sees come from configuration, the store and the adapter's already-split URIs,
// not from a raw From header, where ";param" after a bare addr-spec would belong to the header.
struct AddrSpec {
    std::string_view uri;
    Problem problem;
};

AddrSpec extract_addr_spec(std::string_view text) {
    const std::string_view s = trim_spaces(text);
    if (s.empty()) {
        return {{}, "is empty"};
    }
    std::string_view display;
    std::size_t open = 0;
    if (s.front() == '"') {
        // quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE; it may hold '<', '>', '"'.
        std::size_t i = 1;
        bool closed = false;
        for (; i < s.size(); ++i) {
            if (s[i] == '\\') {
                ++i;
            } else if (s[i] == '"') {
                closed = true;
                break;
            }
        }
        if (!closed) {
            return {{}, "display name has no closing quote"};
        }
        display = s.substr(1, i - 1);
        open = s.find_first_not_of(' ', i + 1);
        if (open == std::string_view::npos || s[open] != '<') {
            return {{}, "has no '<' after the quoted display name"};
        }
    } else {
        open = s.find('<');
        if (open == std::string_view::npos) {
            return {s, {}};
        }
        display = trim_spaces(s.substr(0, open));
        // display-name = *(token LWS) / quoted-string; non-ASCII (UTF-8) names are let
        // through unquoted, as phones send them that way.
        for (const char c : display) {
            if (!is_token_char(c) && c != ' ' && chars::is_ascii(c)) {
                return {{}, "display name contains " + describe_char(c) + " outside quotes"};
            }
        }
    }
    // The display name is dropped, so its quotes cannot hurt, but a line break in it means
    // the value was forged or mangled.
    if (const auto why = control_reason(display, kMaxDisplayNameLength); !why.empty()) {
        return {{}, "display name " + std::string(why)};
    }
    const std::size_t close = s.find('>', open + 1);
    if (close == std::string_view::npos) {
        return {{}, "has '<' without a closing '>'"};
    }
    const std::string_view after = trim_spaces(s.substr(close + 1));
    if (!after.empty()) {
        if (after.front() != ';') {
            return {{}, "has unexpected text after '>'"};
        }
        if (const auto why = control_reason(after, kMaxInputLength); !why.empty()) {
            return {{}, "header parameters " + std::string(why)};
        }
    }
    return {s.substr(open + 1, close - open - 1), {}};
}

// RFC 3261 §19.1.4: an escape of an unreserved character equals the character, so it is
// decoded; any other escape stays, with upper-case hex digits (RFC 3986 §6.2.2.1), so that
// equal user parts compare equal byte for byte. "%0D%0A" therefore stays "%0D%0A".
void append_user(std::string& out, std::string_view user) {
    for (std::size_t i = 0; i < user.size(); ++i) {
        const char c = user[i];
        if (c != '%') {
            out += c;
            continue;
        }
        const char decoded =
            static_cast<char>(hex_value(user[i + 1]) * 16 + hex_value(user[i + 2]));
        if (chars::is_unreserved(decoded)) {
            out += decoded;
        } else {
            out += '%';
            out += chars::kHexUpper[hex_value(user[i + 1])];
            out += chars::kHexUpper[hex_value(user[i + 2])];
        }
        i += 2;
    }
}

Problem check_port(std::string_view port) {
    if (port.empty()) {
        return "port is empty";
    }
    unsigned value = 0;
    for (const char c : port) {
        if (!chars::is_digit(c)) {
            return "port contains " + describe_char(c);
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
        if (value > kMaxPort) {
            return "port is over 65535";
        }
    }
    return {};
}

// uri-parameters = *( ";" uri-parameter ), given with its leading ';'. Sets user_phone when
// one of them is user=phone.
Problem check_parameters(std::string_view params, bool& user_phone) {
    while (!params.empty()) {
        const auto [name, value] = chars::take_parameter(params);
        if (name.empty()) {
            return "has a URI parameter without a name";
        }
        if (auto problem = check_chars(name, "URI parameter name", chars::is_param_char);
            !problem.empty()) {
            return problem;
        }
        if (auto problem = check_chars(value, "URI parameter value", chars::is_param_char);
            !problem.empty()) {
            return problem;
        }
        if (chars::unescaped_equals_ci(name, "user") &&
            chars::unescaped_equals_ci(value, "phone")) {
            user_phone = true;
        }
    }
    return {};
}

// subscriber: a telephone-subscriber with its parameters (dialled_number.hpp).
Result phone_number_key(std::string_view text, std::string_view subscriber, std::string_view what) {
    auto number = read_telephone_subscriber(subscriber);
    if (!number) {
        return Result::fail(error_about(text, std::string(what) + number.error));
    }
    return Result::ok(AddressKey{AddressKey::Kind::Number, std::move(number.value->number)});
}

// scheme is "sip" or "sips"; rest is what follows "sip:".
Result parse_sip_uri(std::string_view text, std::string_view scheme, std::string_view rest) {
    const auto fail = [&](std::string_view why) { return Result::fail(error_about(text, why)); };
    // '@' may appear once, between userinfo and host: the user, password, parameter and header
    // grammars all need it escaped. The user part may hold ';', '?' and '/', so it ends there.
    const std::size_t at = rest.find('@');
    std::string_view user;
    std::string_view hostport = rest;
    if (at != std::string_view::npos) {
        if (rest.find('@', at + 1) != std::string_view::npos) {
            return fail("contains more than one '@'");
        }
        const std::string_view userinfo = rest.substr(0, at);
        const std::size_t colon = userinfo.find(':');
        user = userinfo.substr(0, colon);
        if (user.empty()) {
            return fail("user part is empty");
        }
        if (auto problem = check_chars(user, "user part", chars::is_user_char); !problem.empty()) {
            return fail(problem);
        }
        if (colon != std::string_view::npos) {
            // The password is checked, then dropped: it is no part of an address-of-record.
            if (auto problem =
                    check_chars(userinfo.substr(colon + 1), "password", chars::is_password_char);
                !problem.empty()) {
                return fail(problem);
            }
        }
        hostport = rest.substr(at + 1);
    }
    std::size_t host_end = 0;
    if (!hostport.empty() && hostport.front() == '[') {
        host_end = hostport.find(']');
        host_end = host_end == std::string_view::npos ? hostport.size() : host_end + 1;
    } else {
        host_end = std::min(hostport.find_first_of(":;?"), hostport.size());
    }
    const std::string_view host = hostport.substr(0, host_end);
    std::string_view tail = hostport.substr(host_end);
    if (!tail.empty() && tail.front() == ':') {
        const std::size_t port_end = std::min(tail.find_first_of(";?"), tail.size());
        if (auto problem = check_port(tail.substr(1, port_end - 1)); !problem.empty()) {
            return fail(problem);
        }
        tail.remove_prefix(port_end);
    }
    if (!tail.empty() && tail.front() != ';' && tail.front() != '?') {
        return fail("host is followed by " + describe_char(tail.front()));
    }
    const std::size_t question = std::min(tail.find('?'), tail.size());
    bool user_phone = false;
    if (auto problem = check_parameters(tail.substr(0, question), user_phone); !problem.empty()) {
        return fail(problem);
    }
    if (question < tail.size()) {
        if (auto problem = check_chars(tail.substr(question + 1), "headers", chars::is_header_char);
            !problem.empty()) {
            return fail(problem);
        }
    }
    if (user_phone) {
        // RFC 3261 §19.1.6: with user=phone the user part is a telephone-subscriber, read as
        // dialled_number.hpp says; the host is dropped, but still checked so that a
        // malformed URI is refused whatever it carries.
        std::string checked_host;
        if (auto problem = append_host(host, "host", checked_host); !problem.empty()) {
            return fail(problem);
        }
        if (user.empty()) {
            return fail("has user=phone but no user part");
        }
        return phone_number_key(text, user, "user=phone: ");
    }
    std::string aor;
    aor.reserve(scheme.size() + 1 + rest.size());
    aor += scheme;
    aor += ':';
    if (!user.empty()) {
        append_user(aor, user);
        aor += '@';
    }
    if (auto problem = append_host(host, "host", aor); !problem.empty()) {
        return fail(problem);
    }
    return Result::ok(AddressKey{AddressKey::Kind::Aor, std::move(aor)});
}

// RFC 3966 §3: telephone-subscriber *par, read as dialled_number.hpp says (parameters
// dropped, a global phone-context prefixed).
Result parse_tel_uri(std::string_view text, std::string_view rest) {
    const std::size_t semicolon = std::min(rest.find(';'), rest.size());
    bool ignored = false;
    if (auto problem = check_parameters(rest.substr(semicolon), ignored); !problem.empty()) {
        return Result::fail(error_about(text, problem));
    }
    return phone_number_key(text, rest, "");
}

}  // namespace

Parsed<AddressKey> parse_sip_address(std::string_view text) {
    if (text.size() > kMaxInputLength) {
        return Result::fail(error_about(text, "is too long"));
    }
    const AddrSpec spec = extract_addr_spec(text);
    if (!spec.problem.empty()) {
        return Result::fail(error_about(text, spec.problem));
    }
    const std::string_view uri = spec.uri;
    if (const auto why = unsafe_reason(uri, kMaxAddressLength); !why.empty()) {
        return Result::fail(error_about(
            text, why == "is too long" ? std::string_view("URI is longer than 256 bytes") : why));
    }
    const std::size_t colon = uri.find(':');
    const std::string_view scheme = uri.substr(0, colon);
    if (colon != std::string_view::npos) {
        const std::string_view rest = uri.substr(colon + 1);
        // An AOR keeps its scheme: sips:alice@example.com asks for TLS on every hop (RFC 3261
        // §19.1.4 holds sip: and sips: URIs never equivalent), so it is a different binding
        // from sip:alice@example.com and is not folded into it.
        if (chars::equals_ci(scheme, "sip")) {
            return parse_sip_uri(text, "sip", rest);
        }
        if (chars::equals_ci(scheme, "sips")) {
            return parse_sip_uri(text, "sips", rest);
        }
        if (chars::equals_ci(scheme, "tel")) {
            return parse_tel_uri(text, rest);
        }
    }
    return Result::fail(error_about(text, "is not a sip:, sips: or tel: URI"));
}

Parsed<std::string> normalise_aor(std::string_view text) {
    auto parsed = parse_sip_address(text);
    if (!parsed) {
        return Parsed<std::string>::fail(std::move(parsed.error));
    }
    if (parsed.value->kind != AddressKey::Kind::Aor) {
        return Parsed<std::string>::fail(
            error_about(text, "is a phone number (tel: or user=phone), not an address-of-record"));
    }
    return Parsed<std::string>::ok(std::move(parsed.value->value));
}

Parsed<std::string> normalise_number(std::string_view text) {
    if (text.size() > kMaxInputLength) {
        return Parsed<std::string>::fail(error_about(text, "is too long"));
    }
    const std::string_view s = trim_spaces(text);
    const bool is_uri = chars::starts_with_ci(s, "sip:") || chars::starts_with_ci(s, "sips:") ||
                        chars::starts_with_ci(s, "tel:") || s.find('<') != std::string_view::npos;
    if (is_uri) {
        auto parsed = parse_sip_address(text);
        if (!parsed) {
            return Parsed<std::string>::fail(std::move(parsed.error));
        }
        if (parsed.value->kind != AddressKey::Kind::Number) {
            return Parsed<std::string>::fail(error_about(
                text, "is an address-of-record, not a phone number (a sip: URI needs user=phone)"));
        }
        return Parsed<std::string>::ok(std::move(parsed.value->value));
    }
    if (s.empty()) {
        return Parsed<std::string>::fail(error_about(text, "is empty"));
    }
    if (const auto why = unsafe_reason(s); !why.empty()) {
        return Parsed<std::string>::fail(error_about(text, why));
    }
    auto number = normalise_subscriber(s);
    if (!number) {
        return Parsed<std::string>::fail(error_about(text, number.error));
    }
    return number;
}

}  // namespace cusax::address
