#include "sip-proxy/request_facts.hpp"

#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>

#include <algorithm>
#include <vector>

#include "shared/address/dialled_number.hpp"
#include "shared/address/sip_address.hpp"
#include "shared/text/ascii_case.hpp"
#include "sip-proxy/url_param_value.hpp"

namespace cusax::sip_proxy {

namespace {

using text::iequals;

bool is_user_phone(url_t const* url) {
    const auto user = url_param_value(url, "user");
    return user && iequals(*user, "phone");
}

std::optional<address::AddressKey> key_of(url_t const* url) {
    auto parsed = address::parse_sip_address(url_text(url));
    if (!parsed) return std::nullopt;
    return *parsed.value;
}

}  // namespace

bool is_urn(url_t const* url) {
    return url && url->url_type == url_unknown && url->url_scheme &&
           iequals(url->url_scheme, "urn");
}

std::string url_text(url_t const* url) {
    if (!url) return {};
    char buffer[512];
    isize_t n = url_e(buffer, sizeof buffer, url);
    if (n < 0) return {};
    if (static_cast<std::size_t>(n) < sizeof buffer) return std::string(buffer, n);
    std::vector<char> big(static_cast<std::size_t>(n) + 1);
    url_e(big.data(), static_cast<isize_t>(big.size()), url);
    return std::string(big.data(), static_cast<std::size_t>(n));
}

RequestTarget target_of(url_t const* url) {
    RequestTarget target;
    if (!url) return target;
    target.uri = url_text(url);
    if (is_urn(url)) {
        target.scheme = RequestTarget::Scheme::urn;
        target.urn = text::ascii_lower(target.uri);
        return target;
    }
    switch (url->url_type) {
        case url_sip:
            target.scheme = RequestTarget::Scheme::sip;
            break;
        case url_sips:
            target.scheme = RequestTarget::Scheme::sips;
            break;
        case url_tel:
            target.scheme = RequestTarget::Scheme::tel;
            break;
        default:
            target.scheme = RequestTarget::Scheme::other;
            return target;
    }
    // One reading of a dialled number for the store and the dial plan (dialled_number.hpp).
    const auto dialled = address::dialled_number(target.uri);
    if (dialled) {
        target.dialled = dialled.value->dialled;
    } else if (auto digits = address::dialled_digits(target.uri)) {
        target.dialled = std::move(*digits.value);  // a context that cannot apply: still dialled
    }
    // Fail closed (RFC 7081 §5): what starts like a number but cannot be read is a number
    // nobody here can classify, never a name in a local domain.
    target.unreadable_number = !dialled && address::looks_like_a_number(target.uri);
    if (target.scheme == RequestTarget::Scheme::tel) {
        target.user_phone = true;
        if (auto key = key_of(url); key && key->kind == address::AddressKey::Kind::Number)
            target.number = key->value;
        if (target.number.empty() && dialled) target.number = dialled.value->number;
        return target;
    }
    target.host = url->url_host ? text::ascii_lower(url->url_host) : "";
    target.user_phone = is_user_phone(url);
    if (auto key = key_of(url)) {
        if (key->kind == address::AddressKey::Kind::Aor)
            target.aor = key->value;
        else
            target.number = key->value;
    }
    if (target.number.empty() && dialled) target.number = dialled.value->number;
    return target;
}

CallerIdentity identity_of(sip_t const* sip, const Trust& trust, bool use_from) {
    CallerIdentity identity;
    if (!trust.trusted || !sip) return identity;
    auto const* pai = sip_p_asserted_identity(sip);
    if (pai) {
        identity.source = "p-asserted-identity";
        std::vector<address::AddressKey> sip_keys, tel_keys;
        std::size_t sip_values = 0, tel_values = 0;
        for (; pai; pai = pai->paid_next) {
            const auto type = pai->paid_url->url_type;
            const bool sip_uri = type == url_sip || type == url_sips;
            if (!sip_uri && type != url_tel) {
                identity.refused = "a P-Asserted-Identity value is neither sip, sips nor tel";
                return identity;
            }
            // RFC 3325 §9.1: one sip/sips and one tel value at most; two of a kind leave it
            // open which one the asserting hop meant, so neither is believed. Every value
            // counts, whether it can be read as a key or not.
            ++(sip_uri ? sip_values : tel_values);
            if (sip_values > 1 || tel_values > 1) {
                identity.refused = sip_values > 1
                                       ? "P-Asserted-Identity has more than one sip/sips value"
                                       : "P-Asserted-Identity has more than one tel value";
                return identity;
            }
            if (auto key = key_of(pai->paid_url)) (sip_uri ? sip_keys : tel_keys).push_back(*key);
        }
        // The SIP URI is looked up first, then the tel URI.
        identity.candidates = std::move(sip_keys);
        identity.candidates.insert(identity.candidates.end(), tel_keys.begin(), tel_keys.end());
        return identity;
    }
    if (use_from && sip->sip_from) {
        if (auto key = key_of(sip->sip_from->a_url)) {
            identity.source = "from";
            identity.candidates.push_back(*key);
        }
    }
    return identity;
}

PrivacyRequest privacy_of(sip_t const* sip) {
    PrivacyRequest privacy;
    if (!sip) return privacy;
    // RFC 3323 §4.2: the values of every Privacy line count. Sofia parses Privacy as a
    // header that appears once: the first line is sip_privacy, each further line is kept
    // with its own class in the sip_error list (unparsed_headers.hpp).
    auto read = [&privacy](sip_privacy_t const* priv) {
        for (auto const* v = priv->priv_values; v && *v; ++v) {
            if (iequals(*v, "id")) privacy.id = true;
            if (iequals(*v, "header")) privacy.header = true;
            if (iequals(*v, "user")) privacy.user = true;
        }
    };
    if (auto const* priv = sip_privacy(sip)) {
        read(priv);
        for (auto const* h = reinterpret_cast<msg_header_t const*>(sip->sip_error); h;
             h = h->sh_next)
            if (h->sh_class == priv->priv_common->h_class)
                read(reinterpret_cast<sip_privacy_t const*>(h));
    }
    if (sip->sip_from) {
        url_t const* url = sip->sip_from->a_url;
        bool anonymous_user = url->url_user && iequals(url->url_user, "anonymous");
        bool anonymous_host = url->url_host && iequals(url->url_host, "anonymous.invalid");
        bool anonymous_display =
            sip->sip_from->a_display && (iequals(sip->sip_from->a_display, "anonymous") ||
                                         iequals(sip->sip_from->a_display, "\"anonymous\""));
        privacy.anonymous_from = anonymous_user || anonymous_host || anonymous_display;
    }
    return privacy;
}

}  // namespace cusax::sip_proxy
