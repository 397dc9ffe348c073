#include "shared/address/dialled_number.hpp"

#include "shared/address/percent_decode.hpp"
#include "shared/address/phone_number.hpp"
#include "shared/address/safe_text.hpp"
#include "shared/address/uri_chars.hpp"

namespace cusax::address {
namespace {

using Result = Parsed<DialledNumber>;

// RFC 3261 §19.1.2: a SIP server reads the user part unescaped, so a number spelt with
// escapes ("%31%31%32", "+49%2030") is the number it spells.
Parsed<std::string> unescaped(std::string_view text) {
    auto out = percent_decoded(text);
    if (!out) return Parsed<std::string>::fail("number has a '%' not followed by two hex digits");
    return Parsed<std::string>::ok(std::move(*out));
}

// The value of ";phone-context=" among ";name=value" parameters, or empty.
std::string_view phone_context(std::string_view params) {
    while (!params.empty()) {
        const auto [name, value] = chars::take_parameter(params);
        if (chars::equals_ci(name, "phone-context")) return value;
    }
    return {};
}

// The user part of "sip:user:password@host;params" or the body of "tel:number;params".
std::string_view subscriber_of(std::string_view uri) {
    uri = chars::trim_spaces(uri);
    if (!uri.empty() && uri.front() == '<') {
        uri.remove_prefix(1);
        uri = uri.substr(0, uri.find('>'));
    }
    const std::size_t colon = uri.find(':');
    if (colon == std::string_view::npos) return {};
    const std::string_view scheme = uri.substr(0, colon);
    std::string_view rest = uri.substr(colon + 1);
    if (chars::equals_ci(scheme, "tel")) return rest;
    if (!chars::equals_ci(scheme, "sip") && !chars::equals_ci(scheme, "sips")) return {};
    // The user part may hold ';' and '?' (user-unreserved) but never an unescaped '@'.
    const std::size_t at = rest.find('@');
    if (at == std::string_view::npos) return {};
    const std::string_view userinfo = rest.substr(0, at);
    return userinfo.substr(0, userinfo.find(':'));  // the password is no part of the number
}

// The unescaped subscriber split into the digits as dialled and its parameters.
struct SplitSubscriber {
    std::string digits;  // normalised, no parameters, no context applied
    std::string params;  // ";name=value..." as written (unescaped)
};

Parsed<SplitSubscriber> split_subscriber(std::string_view text) {
    auto plain = unescaped(text);
    if (!plain) return Parsed<SplitSubscriber>::fail(std::move(plain.error));
    const std::string_view subscriber = *plain.value;
    const std::size_t semicolon = std::min(subscriber.find(';'), subscriber.size());
    // A number is looked up in the store, which holds none longer than an address. The
    // parameters are no part of it: their length is bounded by the SIP parser alone, so a
    // long ";phone-context=" or ";isub=" does not make the number unreadable.
    if (semicolon > kMaxAddressLength) return Parsed<SplitSubscriber>::fail("number is too long");
    // RFC 3966 §3: the parameters (";isub=", ";ext=", ";npdi", ";rn=", ...) qualify the
    // number; they are not digits of it.
    auto dialled = normalise_subscriber(subscriber.substr(0, semicolon));
    if (!dialled) return Parsed<SplitSubscriber>::fail(std::move(dialled.error));
    return Parsed<SplitSubscriber>::ok(
        SplitSubscriber{std::move(*dialled.value), std::string(subscriber.substr(semicolon))});
}

}  // namespace

Parsed<DialledNumber> read_telephone_subscriber(std::string_view text) {
    auto split = split_subscriber(text);
    if (!split) return Result::fail(std::move(split.error));
    DialledNumber result{split.value->digits, split.value->digits};
    const std::string_view context = phone_context(split.value->params);
    // RFC 3966 §5.1.5: a global-number-digits context ("+1-914-555") prefixes a local number;
    // a domain name context leaves it local, to be dialled within that domain.
    if (!context.empty() && context.front() == '+' && result.number.front() != '+') {
        auto global = normalise_subscriber(std::string(context) + result.number);
        if (!global) return Result::fail(std::move(global.error));
        result.number = std::move(*global.value);
    }
    return Result::ok(std::move(result));
}

bool looks_like_a_number(std::string_view uri) {
    const std::string_view subscriber = subscriber_of(uri);
    for (std::size_t i = 0; i < subscriber.size(); ++i) {
        char c = subscriber[i];
        if (c == '%' && chars::is_escape_at(subscriber, i)) {
            c = static_cast<char>(chars::hex_value(subscriber[i + 1]) * 16 +
                                  chars::hex_value(subscriber[i + 2]));
            i += 2;
        }
        if (is_visual_separator(c)) continue;
        return c == '+' || chars::is_digit(c);
    }
    return false;
}

Parsed<DialledNumber> dialled_number(std::string_view uri) {
    const std::string_view subscriber = subscriber_of(uri);
    if (subscriber.empty())
        return Result::fail("number is missing (no tel: body or SIP user part)");
    return read_telephone_subscriber(subscriber);
}

Parsed<std::string> dialled_digits(std::string_view uri) {
    const std::string_view subscriber = subscriber_of(uri);
    if (subscriber.empty())
        return Parsed<std::string>::fail("number is missing (no tel: body or SIP user part)");
    auto split = split_subscriber(subscriber);
    if (!split) return Parsed<std::string>::fail(std::move(split.error));
    return Parsed<std::string>::ok(std::move(split.value->digits));
}

}  // namespace cusax::address
