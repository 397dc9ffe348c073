#include "provisioning/account_directory.hpp"

#include <algorithm>
#include <map>

#include "shared/address/jid.hpp"
#include "shared/address/percent_decode.hpp"
#include "shared/address/sip_address.hpp"
#include "shared/text/ascii_case.hpp"

namespace cusax::provisioning {
namespace {

// Longer ids are refused before any parsing (RFC 7622 §3.1: a JID part is at most 1023 bytes;
// nobody types that much).
constexpr std::size_t max_id_length = 320;

std::string_view local_part_of(std::string_view address) {
    const auto at = address.find('@');
    return at == std::string_view::npos ? std::string_view{} : address.substr(0, at);
}

std::string_view without_scheme(std::string_view id) {
    for (std::string_view scheme : {"sip:", "sips:", "xmpp:", "acct:"}) {
        if (id.size() >= scheme.size() &&
            text::ascii_lower(id.substr(0, scheme.size())) == scheme) {
            return id.substr(scheme.size());
        }
    }
    return id;
}

// A local part as the look-ups compare it, from the text alone: %HEX escapes decoded (as the
// AOR look-up does; with a malformed escape the AOR look-up refuses the id, and the JID look-up
// reads it as typed, so it is kept as typed), then XMPP nodeprep (as the JID look-up does:
// fullwidth letters fold to ASCII, a soft hyphen maps to nothing); ASCII lower-casing where
// nodeprep refuses the text. Without this, "al<U+00AD>ice@DOMAIN" would log in as alice under a
// key of its own.
std::string folded_local_part(std::string_view local) {
    const std::string decoded = address::percent_decoded(local).value_or(std::string(local));
    if (auto jid = address::normalise_bare_jid(decoded + "@limit.invalid")) {
        const std::string& folded = *jid.value;
        return folded.substr(0, folded.rfind('@'));
    }
    return text::ascii_lower(decoded);
}

bool has_scheme(std::string_view id, std::string_view scheme) {
    return id.size() > scheme.size() && text::ascii_lower(id.substr(0, scheme.size())) == scheme;
}

}  // namespace

AccountDirectory::AccountDirectory(std::shared_ptr<const store::Snapshot> snapshot)
    : snapshot_(std::move(snapshot)) {
    std::map<std::string_view, std::size_t> bindings_per_domain;
    for (const auto& binding : snapshot_->all()) {
        auto add = [&](std::string_view local) {
            if (local.empty()) return;
            auto [it, inserted] = by_local_part_.emplace(text::ascii_lower(local), &binding);
            if (!inserted && it->second && it->second->aor != binding.aor) it->second = nullptr;
        };
        add(local_part_of(binding.jid));
        add(local_part_of(without_scheme(binding.aor)));
        const auto at = binding.jid.find('@');
        if (at == std::string_view::npos) continue;
        ++bindings_per_domain[binding.jid.substr(at + 1)];
    }
    // The XMPP domain most bindings have (the first in byte order of those tied): the one the
    // server surely hosts, even where a few bindings name accounts elsewhere.
    const auto most =
        std::max_element(bindings_per_domain.begin(), bindings_per_domain.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    if (most != bindings_per_domain.end()) {
        placeholder_jid_ = std::string(placeholder_local_part) + "@" + std::string(most->first);
    }
}

const store::BindingView* AccountDirectory::by_address(std::string_view name_at_domain) const {
    const store::BindingView* as_jid = nullptr;
    if (auto jid = address::normalise_bare_jid(name_at_domain)) {
        as_jid = snapshot_->by_jid(*jid.value);
    }
    const store::BindingView* as_aor = nullptr;
    if (auto aor = address::normalise_aor("sip:" + std::string(name_at_domain))) {
        as_aor = snapshot_->by_aor(*aor.value);
    }
    if (as_jid && as_aor && as_jid->aor != as_aor->aor) return nullptr;
    return as_jid ? as_jid : as_aor;
}

const store::BindingView* AccountDirectory::find_user(std::string_view id) const {
    if (id.empty() || id.size() > max_id_length) return nullptr;
    if (has_scheme(id, "sip:") || has_scheme(id, "sips:")) {
        auto aor = address::normalise_aor(id);
        return aor ? snapshot_->by_aor(*aor.value) : nullptr;
    }
    if (id.find('@') != std::string_view::npos) return by_address(id);
    const auto it = by_local_part_.find(text::ascii_lower(id));
    return it == by_local_part_.end() ? nullptr : it->second;
}

const store::BindingView* AccountDirectory::find_resource(std::string_view resource) const {
    if (resource.empty() || resource.size() > max_id_length) return nullptr;
    if (has_scheme(resource, "acct:")) {
        const auto rest = resource.substr(5);
        return rest.find('@') == std::string_view::npos ? nullptr : by_address(rest);
    }
    if (has_scheme(resource, "xmpp:")) {
        auto jid = address::normalise_bare_jid(resource);
        return jid ? snapshot_->by_jid(*jid.value) : nullptr;
    }
    if (has_scheme(resource, "sip:") || has_scheme(resource, "sips:")) {
        auto aor = address::normalise_aor(resource);
        return aor ? snapshot_->by_aor(*aor.value) : nullptr;
    }
    return nullptr;
}

std::string user_limit_key(std::string_view id) {
    std::string_view rest = without_scheme(id);
    return folded_local_part(rest.substr(0, rest.find('@'))).substr(0, 64);
}

}  // namespace cusax::provisioning
