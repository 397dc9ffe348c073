#include "xmpp-component/account_index.hpp"

#include <algorithm>
#include <array>

#include "shared/address/jid.hpp"
#include "shared/address/sip_address.hpp"

namespace cusax::xmpp {

namespace {

// XEP-0106 §3.2: the characters a localpart cannot hold and their escapes.
constexpr std::array<std::pair<char, std::string_view>, 10> kEscapes{{{' ', "20"},
                                                                      {'"', "22"},
                                                                      {'&', "26"},
                                                                      {'\'', "27"},
                                                                      {'/', "2f"},
                                                                      {':', "3a"},
                                                                      {'<', "3c"},
                                                                      {'>', "3e"},
                                                                      {'@', "40"},
                                                                      {'\\', "5c"}}};

bool starts_escape(std::string_view rest) {
    if (rest.size() < 3 || rest[0] != '\\') return false;
    for (const auto& [c, code] : kEscapes) {
        if (rest.substr(1, 2) == code) return true;
    }
    return false;
}

}  // namespace

std::string escape_localpart(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        // A backslash is escaped only where it would otherwise read as an escape (§3.2).
        if (c == '\\' && !starts_escape(raw.substr(i))) {
            out += c;
            continue;
        }
        auto it = std::find_if(kEscapes.begin(), kEscapes.end(),
                               [c](const auto& e) { return e.first == c; });
        if (it == kEscapes.end()) {
            out += c;
        } else {
            out += '\\';
            out += it->second;
        }
    }
    return out;
}

std::string unescape_localpart(std::string_view escaped) {
    std::string out;
    for (std::size_t i = 0; i < escaped.size(); ++i) {
        if (starts_escape(escaped.substr(i))) {
            const auto code = escaped.substr(i + 1, 2);
            for (const auto& [c, e] : kEscapes) {
                if (e == code) out += c;
            }
            i += 2;
        } else {
            out += escaped[i];
        }
    }
    return out;
}

std::optional<std::string> account_jid_for_aor(std::string_view aor, std::string_view domain) {
    auto colon = aor.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view rest = aor.substr(colon + 1);
    auto at = rest.rfind('@');
    std::string local;
    if (at == std::string_view::npos) {
        local = escape_localpart(rest);  // sip:host, an AOR without a user
    } else if (rest.substr(at + 1) == domain) {
        local = escape_localpart(rest.substr(0, at));
    } else {
        local = escape_localpart(rest);
    }
    auto jid = address::normalise_bare_jid(local + "@" + std::string(domain));
    if (!jid) return std::nullopt;
    return *jid.value;
}

AccountIndex::AccountIndex(std::shared_ptr<const store::Snapshot> snapshot, std::string domain)
    : snapshot_(std::move(snapshot)), domain_(std::move(domain)) {
    std::vector<const store::BindingView*> ordered;
    ordered.reserve(snapshot_->size());
    for (const auto& b : snapshot_->all()) ordered.push_back(&b);
    std::sort(ordered.begin(), ordered.end(),
              [](const auto* a, const auto* b) { return a->aor < b->aor; });
    entries_.reserve(ordered.size());
    for (const auto* b : ordered) {
        auto jid = account_jid_for_aor(b->aor, domain_);
        if (!jid) continue;
        entries_.push_back(Entry{std::move(*jid), b});
    }
    // First in AOR order wins a case-mapped clash (stable sort keeps that order).
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const Entry& a, const Entry& b) { return a.jid < b.jid; });
    entries_.erase(std::unique(entries_.begin(), entries_.end(),
                               [](const Entry& a, const Entry& b) { return a.jid == b.jid; }),
                   entries_.end());
    by_jid_.reserve(entries_.size());
    jid_of_.reserve(entries_.size());
    for (const auto& e : entries_) {
        by_jid_.emplace(e.jid, e.binding);
        jid_of_.emplace(e.binding, e.jid);
    }
}

const store::BindingView* AccountIndex::find(std::string_view jid) const {
    if (auto it = by_jid_.find(jid); it != by_jid_.end()) return it->second;
    auto normalised = address::normalise_bare_jid(jid);
    if (!normalised) return nullptr;
    if (auto it = by_jid_.find(*normalised.value); it != by_jid_.end()) return it->second;
    // A phone number as localpart is an alias of the binding that lists it.
    const auto parts = std::string_view(*normalised.value);
    const auto at = parts.find('@');
    if (at == std::string_view::npos || parts.substr(at + 1) != domain_) return nullptr;
    auto number = address::normalise_number(unescape_localpart(parts.substr(0, at)));
    if (!number) return nullptr;
    return snapshot_->by_number(*number.value);
}

std::string AccountIndex::account_jid(const store::BindingView& binding) const {
    if (auto it = jid_of_.find(&binding); it != jid_of_.end()) return std::string(it->second);
    return account_jid_for_aor(binding.aor, domain_).value_or(std::string());
}

}  // namespace cusax::xmpp
