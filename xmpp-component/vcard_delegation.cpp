#include "xmpp-component/vcard_delegation.hpp"

#include <algorithm>

#include "shared/address/message_text.hpp"
#include "shared/address/sip_address.hpp"
#include "shared/text/ascii_case.hpp"
#include "shared/vcard/vcard_temp_tels.hpp"
#include "xmpp-component/contact_cards.hpp"
#include "xmpp-component/stanza_reply.hpp"

namespace cusax::xmpp {

namespace {

bool from_server(const XmlElement& stanza, const std::vector<std::string>& server_domains,
                 std::string& server) {
    server = text::ascii_lower(stanza.attr_or("from"));
    return std::find(server_domains.begin(), server_domains.end(), server) != server_domains.end();
}

const XmlElement* delegation_child(const XmlElement& stanza) {
    for (const auto& c : stanza.children) {
        if (c.name == "delegation" && (c.xmlns == ns::delegation2 || c.xmlns == ns::delegation1)) {
            return &c;
        }
    }
    return nullptr;
}

// Elements without a namespace of their own or in the component's are the stanza's: in a
// forwarded reply they are jabber:client.
void to_client_ns(XmlElement& e) {
    if (e.xmlns.empty() || e.xmlns == ns::component) e.xmlns = std::string(ns::client);
    for (auto& c : e.children) {
        if (c.xmlns == ns::component) to_client_ns(c);
    }
}

using vcard::comparable_tel_value;
using vcard::is_tel;
using vcard::listed_sip_uris;
using vcard::tel_has_flag;
using vcard::tel_number;

// The vCard without the TELs for which drop(tel) holds, then `added` appended.
template <class Drop>
XmlElement without_tels(const XmlElement& vcard, Drop drop,
                        const std::vector<XmlElement>& added = {}) {
    XmlElement out(vcard.name, vcard.xmlns);
    out.attributes = vcard.attributes;
    out.text = vcard.text;
    for (const auto& c : vcard.children) {
        if (is_tel(c) && drop(c)) continue;
        out.children.push_back(c);
    }
    for (const auto& g : added) out.children.push_back(g);
    return out;
}

bool repeats_guaranteed(const XmlElement& tel, const std::vector<XmlElement>& guaranteed) {
    const std::string key = comparable_tel_value(tel_number(tel));
    return std::any_of(guaranteed.begin(), guaranteed.end(), [&](const XmlElement& g) {
        return comparable_tel_value(tel_number(g)) == key;
    });
}

// A TEL naming a SIP address other than the bound one, however spelt (the vCard4 guard's rule
// too).
bool foreign_sip(const XmlElement& tel, const store::BindingView& binding) {
    return vcard::names_other_sip_address(tel_number(tel), binding.aor);
}

bool contains(const std::vector<std::string>& values, std::string_view value) {
    return std::find(values.begin(), values.end(), value) != values.end();
}

// Whether the user's previous vCard, as stored, had this value (comparable): their own word,
// typed before.
bool said_before(const StoredVcard* before, const std::string& key) {
    if (!before) return false;
    return contains(before->listed_sip, key) ||
           std::any_of(before->vcard.children.begin(), before->vcard.children.end(),
                       [&](const XmlElement& c) {
                           return is_tel(c) && comparable_tel_value(tel_number(c)) == key;
                       });
}

bool asked_by_owner(const XmlElement& inner, const std::string& owner) {
    return bare_jid(text::ascii_lower(inner.attr_or("from"))) == owner;
}

}  // namespace

DelegatedRequest unwrap_delegation(const XmlElement& stanza,
                                   const std::vector<std::string>& server_domains) {
    DelegatedRequest r;
    if (stanza.name != "iq") return r;
    const XmlElement* delegation = delegation_child(stanza);
    if (!delegation) return r;
    r.delegation_ns = delegation->xmlns == ns::delegation1 ? ns::delegation1 : ns::delegation2;
    if (!from_server(stanza, server_domains, r.server)) {
        r.status = DelegatedRequest::Status::untrusted;
        return r;
    }
    r.status = DelegatedRequest::Status::malformed;
    if (stanza.attr_or("type") != "set" || stanza.children.size() != 1) return r;
    if (delegation->children.size() != 1) return r;
    const XmlElement& forwarded = delegation->children.front();
    if (forwarded.name != "forwarded" || forwarded.xmlns != ns::forward) return r;
    const XmlElement* inner = nullptr;
    for (const auto& c : forwarded.children) {
        if (c.name == "iq" && c.xmlns == ns::client) {
            if (inner) return r;  // one stanza per delegation
            inner = &c;
        }
    }
    if (!inner || !inner->attr("from") || !inner->attr("id")) return r;
    const std::string_view type = inner->attr_or("type");
    if ((type != "get" && type != "set") || inner->children.size() != 1) return r;
    r.inner = inner;
    r.status = DelegatedRequest::Status::ok;
    return r;
}

std::vector<std::string> delegation_advertisement(const XmlElement& stanza,
                                                  const std::vector<std::string>& server_domains) {
    std::vector<std::string> out;
    if (stanza.name != "message") return out;
    const XmlElement* delegation = delegation_child(stanza);
    std::string server;
    if (!delegation || !from_server(stanza, server_domains, server)) return out;
    for (const auto& c : delegation->children) {
        if (c.name == "delegated") out.emplace_back(c.attr_or("namespace"));
    }
    return out;
}

XmlElement wrap_delegated_reply(const XmlElement& outer, std::string_view delegation_ns,
                                XmlElement inner_reply) {
    to_client_ns(inner_reply);
    XmlElement reply = make_iq_result(outer);
    reply.add(std::string("delegation"), std::string(delegation_ns))
        .add(std::string("forwarded"), std::string(ns::forward))
        .add(std::move(inner_reply));
    return reply;
}

std::string delegated_vcard_owner(const XmlElement& inner) {
    const std::string_view to = inner.attr_or("to");
    return text::ascii_lower(bare_jid(to.empty() ? inner.attr_or("from") : to));
}

std::vector<XmlElement> guaranteed_tels(const store::BindingView& binding) {
    std::vector<XmlElement> out;
    // RFC 7081 §3.3, §3.5: an unverified binding is the operator's claim only; shown in the
    // user's vCard it would become the user's word at the next get-edit-set.
    if (!store::is_verified(binding.verification)) return out;
    for (auto& c : build_vcard_temp(binding).children) {
        if (is_tel(c)) out.push_back(std::move(c));
    }
    return out;
}

std::vector<std::string> shown_values(const store::BindingView& binding) {
    std::vector<std::string> out;
    for (const auto& g : guaranteed_tels(binding)) {
        std::string key = comparable_tel_value(tel_number(g));
        if (!contains(out, key)) out.push_back(std::move(key));
    }
    return out;
}

XmlElement merge_guaranteed_tels(const XmlElement* stored, const store::BindingView* binding) {
    XmlElement empty("vCard", std::string(ns::vcard_temp));
    const XmlElement& base = stored ? *stored : empty;
    if (!binding) return base;
    const auto guaranteed = guaranteed_tels(*binding);
    return without_tels(
        base, [&](const XmlElement& tel) { return repeats_guaranteed(tel, guaranteed); },
        guaranteed);
}

GuardResult guard_vcard_set(const XmlElement& submitted, const store::BindingView& binding,
                            VcardGuard mode) {
    GuardResult result;
    // An unverified binding locks nothing: the vCard is the user's own word.
    if (!store::is_verified(binding.verification)) {
        result.vcard = submitted;
        return result;
    }
    const auto guaranteed = guaranteed_tels(binding);
    std::string problem;
    for (const auto& c : submitted.children) {
        if (is_tel(c) && foreign_sip(c, binding)) {
            problem = "TEL " + address::quote_for_message(tel_number(c)) +
                      " is not the SIP address bound to this account (" + std::string(binding.aor) +
                      "); it cannot replace it";
            break;
        }
    }
    for (const auto& g : guaranteed) {
        if (!problem.empty()) break;
        const std::string key = comparable_tel_value(tel_number(g));
        const auto kept = std::find_if(
            submitted.children.begin(), submitted.children.end(), [&](const XmlElement& c) {
                return is_tel(c) && comparable_tel_value(tel_number(c)) == key &&
                       (!tel_has_flag(g, "VOICE") || tel_has_flag(c, "VOICE")) &&
                       (!tel_has_flag(g, "VIDEO") || tel_has_flag(c, "VIDEO"));
            });
        if (kept == submitted.children.end()) {
            const std::string number = tel_number(g);
            const bool sip = number == binding.aor;
            problem = "TEL " + number +
                      (sip ? " (the SIP address bound to this account)"
                           : " (a number of the SIP account bound to this one)") +
                      " cannot be removed or changed";
        }
    }
    if (problem.empty()) {
        result.vcard = submitted;
        return result;
    }
    if (mode == VcardGuard::refuse) {
        result.problem = std::move(problem);
        return result;
    }
    result.vcard = without_tels(
        submitted,
        [&](const XmlElement& tel) {
            return foreign_sip(tel, binding) || repeats_guaranteed(tel, guaranteed);
        },
        guaranteed);
    result.problem = std::move(problem);  // reported as corrected by the caller
    return result;
}

DelegatedVcardOutcome handle_delegated_vcard(const XmlElement& inner, std::string_view server,
                                             const store::BindingView* binding,
                                             const StoredVcard* stored,
                                             const std::vector<std::string>& shown, VcardGuard mode,
                                             bool storage) {
    DelegatedVcardOutcome out;
    const bool get = inner.attr_or("type") == "get";
    out.kind = get ? "vcard-get" : "vcard-set";
    auto fail = [&](std::string_view condition, std::string_view type, std::string_view text) {
        out.error = condition;
        out.detail = std::string(text);
        out.reply = make_error_reply(inner, condition, type, text);
    };
    const XmlElement& q = inner.children.front();
    if (q.name != "vCard" || q.xmlns != ns::vcard_temp) {
        out.kind = "delegated-other";
        fail("service-unavailable", "cancel", {});
        return out;
    }
    const std::string owner = delegated_vcard_owner(inner);
    const JidParts parts = split_jid(owner);
    if (text::ascii_lower(parts.domain) != server) {
        fail("forbidden", "auth", "not a user of " + std::string(server));
        return out;
    }
    if (get) {
        out.reply = make_iq_result(inner);
        if (parts.local.empty()) {
            out.reply.add(XmlElement("vCard", std::string(ns::vcard_temp)));  // the server's
            return out;
        }
        out.reply.add(merge_guaranteed_tels(stored ? &stored->vcard : nullptr, binding));
        // Remembered before the reply leaves, so that no copy the owner holds escapes it.
        if (binding && asked_by_owner(inner, owner)) {
            for (auto& v : shown_values(*binding)) {
                if (!contains(shown, v)) out.newly_shown.push_back(std::move(v));
            }
        }
        return out;
    }
    // A set: only for one's own vCard (RFC 6120 §8.1.1.1: no `to` is the sender's account).
    if (parts.local.empty() || !asked_by_owner(inner, owner)) {
        fail("forbidden", "auth", "only the owner of a vCard may change it");
        return out;
    }
    if (!storage) {
        fail("service-unavailable", "cancel", "vCard storage is not configured");
        return out;
    }
    bool corrected = false;
    std::vector<std::string> guaranteed;  // what a get adds now
    if (binding) {
        const GuardResult guarded = guard_vcard_set(q, *binding, mode);
        if (!guarded.problem.empty() && mode == VcardGuard::refuse) {
            fail("not-acceptable", "modify", guarded.problem);
            return out;
        }
        corrected = !guarded.problem.empty();
        if (corrected) out.detail = "corrected: " + guarded.problem;
        guaranteed = shown_values(*binding);
    }
    // What is stored is the user's own word, and only that counts as their listing (RFC 7081
    // §3.3): the set without its echoes (the header says which TELs are), and without the
    // foreign SIP TELs a correction drops; the TELs a verified binding guarantees are put back
    // by every get from the binding as it is then. The remembered values this set carries stay
    // remembered; the others are forgotten.
    std::vector<std::string> candidates = shown;
    for (const auto& g : guaranteed) {
        if (!contains(candidates, g)) candidates.push_back(g);
    }
    std::vector<std::string> stale;  // echoes of what no get shows now, for the log
    const XmlElement own = without_tels(q, [&](const XmlElement& tel) {
        const std::string key = comparable_tel_value(tel_number(tel));
        if (!contains(candidates, key)) return corrected && foreign_sip(tel, *binding);
        if (!contains(out.still_shown, key)) out.still_shown.push_back(key);
        const bool echo = !said_before(stored, key);
        if (echo && !contains(guaranteed, key) && !contains(stale, key)) stale.push_back(key);
        return echo || (corrected && foreign_sip(tel, *binding));
    });
    if (!stale.empty()) {
        std::string values;
        for (const auto& v : stale) {
            values += (values.empty() ? "" : ", ") + address::quote_for_message(v);
        }
        out.detail += (out.detail.empty() ? "" : "; ") +
                      std::string("not taken as typed (the component showed it before): TEL ") +
                      values;
    }
    std::vector<std::string> listed = listed_sip_uris(own);
    out.unlisted = binding && !contains(listed, binding->aor);
    out.store = StoredVcard{own, std::move(listed)};
    out.reply = make_iq_result(inner);
    return out;
}

}  // namespace cusax::xmpp
