#include "xmpp-component/pep_vcard4.hpp"

#include <algorithm>

#include "shared/text/ascii_case.hpp"
#include "shared/text/trim.hpp"
#include "shared/vcard/vcard_temp_tels.hpp"
#include "xmpp-component/contact_cards.hpp"
#include "xmpp-component/directory_settings.hpp"

namespace cusax::xmpp {

namespace {

bool is_tel(const XmlElement& e) { return e.name == "tel" && e.xmlns == ns::vcard4; }

// What a tel field points at, comparable with a guaranteed one, by the rule the vcard-temp
// guard uses (vcard::comparable_tel_value): a SIP URI as an AOR (RFC 3261 §19.1.4), also as
// Prosody's tel:sip:… form; a number without its tel: scheme, parameters and RFC 3966 visual
// separators.
std::string tel_value(const XmlElement& tel) {
    const XmlElement* value = tel.child("uri", ns::vcard4);
    if (!value) value = tel.child("text", ns::vcard4);
    return value ? value->text : std::string();
}

std::string tel_key(const XmlElement& tel) { return vcard::comparable_tel_value(tel_value(tel)); }

std::vector<std::string> tel_types(const XmlElement& tel) {
    std::vector<std::string> out;
    const XmlElement* params = tel.child("parameters", ns::vcard4);
    const XmlElement* type = params ? params->child("type", ns::vcard4) : nullptr;
    if (!type) return out;
    for (const auto& t : type->children) {
        if (t.name == "text") out.push_back(text::ascii_lower(text::trim_whitespace(t.text)));
    }
    return out;
}

// A user's tel carries the guaranteed one: same URI, at least the same types.
bool carries(const XmlElement& tel, const XmlElement& guaranteed) {
    if (tel_key(tel) != tel_key(guaranteed)) return false;
    const auto have = tel_types(tel);
    for (const auto& t : tel_types(guaranteed)) {
        if (std::find(have.begin(), have.end(), t) == have.end()) return false;
    }
    return true;
}

// The same tel: same URI, same set of types.
bool same_tel(const XmlElement& a, const XmlElement& b) {
    if (tel_key(a) != tel_key(b)) return false;
    auto ta = tel_types(a);
    auto tb = tel_types(b);
    std::sort(ta.begin(), ta.end());
    std::sort(tb.begin(), tb.end());
    return ta == tb;
}

std::vector<std::string> keys_of(const std::vector<XmlElement>& tels) {
    std::vector<std::string> out;
    for (const auto& t : tels) out.push_back(tel_key(t));
    return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

XmlElement privileged(std::string_view type, std::string_view component_domain,
                      std::string_view user_jid, std::string_view id, XmlElement payload) {
    XmlElement iq("iq", std::string(ns::component));
    iq.set_attr("type", type)
        .set_attr("id", id)
        .set_attr("from", component_domain)
        .set_attr("to", user_jid);
    // XEP-0356 §5: the wrapped iq is jabber:client (Prosody refuses anything else) and comes
    // from the user: Prosody fills `from` in from the outer `to`.
    XmlElement& inner =
        iq.add("privileged_iq", std::string(ns::privilege)).add("iq", std::string(ns::client));
    inner.set_attr("type", type).set_attr("id", id);
    inner.add(std::move(payload));
    return iq;
}

void append_change(std::string& detail, std::string_view what, const std::string& key) {
    if (!detail.empty()) detail += "; ";
    detail += std::string(what) + " " + key;
}

}  // namespace

PrivilegeGrant privilege_advertisement(const XmlElement& stanza,
                                       const std::vector<std::string>& server_domains) {
    PrivilegeGrant g;
    if (stanza.name != "message") return g;
    const XmlElement* privilege = stanza.child("privilege", ns::privilege);
    if (!privilege) return g;
    g.server = text::ascii_lower(stanza.attr_or("from"));
    if (std::find(server_domains.begin(), server_domains.end(), g.server) == server_domains.end()) {
        g.status = PrivilegeGrant::Status::untrusted;
        return g;
    }
    g.status = PrivilegeGrant::Status::ok;
    for (const auto& perm : privilege->children) {
        if (perm.name != "perm" || perm.attr_or("access") != "iq") continue;
        // Prosody 0.12's mod_privilege nests each further <namespace/> in the previous one
        // (a missing :up()), so read them at any depth.
        std::vector<const XmlElement*> todo{&perm};
        while (!todo.empty()) {
            const XmlElement* e = todo.back();
            todo.pop_back();
            for (const auto& c : e->children) {
                if (c.name != "namespace") continue;
                todo.push_back(&c);
                const std::string_view n = c.attr_or("ns");
                const std::string_view type = c.attr_or("type");
                g.iq_namespaces.emplace_back(n);
                if (n != ns::pubsub) continue;
                g.pubsub_get = g.pubsub_get || type == "get" || type == "both";
                g.pubsub_set = g.pubsub_set || type == "set" || type == "both";
            }
        }
    }
    return g;
}

XmlElement vcard4_get_request(std::string_view component_domain, std::string_view user_jid,
                              std::string_view id) {
    XmlElement pubsub("pubsub", std::string(ns::pubsub));
    pubsub.add("items", std::string(ns::pubsub))
        .set_attr("node", ns::vcard4_node)
        .set_attr("max_items", "1");
    return privileged("get", component_domain, user_jid, id, std::move(pubsub));
}

XmlElement vcard4_publish_request(std::string_view component_domain, std::string_view user_jid,
                                  std::string_view id, const XmlElement& vcard,
                                  std::string_view item_id, bool open_node) {
    const std::string ps(ns::pubsub);
    XmlElement pubsub("pubsub", ps);
    XmlElement& item = pubsub.add("publish", ps).set_attr("node", ns::vcard4_node).add("item", ps);
    item.set_attr("id", item_id);
    item.add(vcard);
    if (open_node) {
        const std::string x(ns::data_forms);
        XmlElement& form = pubsub.add("publish-options", ps).add("x", x);
        form.set_attr("type", "submit");
        XmlElement& type = form.add("field", x);
        type.set_attr("var", "FORM_TYPE").set_attr("type", "hidden");
        type.add_text_child("value", ns::pubsub_publish_options);
        form.add("field", x).set_attr("var", "pubsub#access_model").add_text_child("value", "open");
    }
    return privileged("set", component_domain, user_jid, id, std::move(pubsub));
}

PrivilegedAnswer unwrap_privileged_answer(const XmlElement& stanza) {
    PrivilegedAnswer a;
    auto read_error = [&a](const XmlElement& iq) {
        a.status = PrivilegedAnswer::Status::error;
        a.condition = "undefined-condition";
        const XmlElement* error = iq.child("error");
        if (!error) return;
        for (const auto& c : error->children) {
            if (c.xmlns == ns::stanza_errors && c.name == "text") {
                a.text = c.text;
            } else if (c.xmlns == ns::stanza_errors) {
                a.condition = c.name;
            } else if (c.xmlns == ns::pubsub_errors && a.text.empty()) {
                a.text = c.name;
            }
        }
    };
    if (stanza.name != "iq") return a;
    const std::string_view type = stanza.attr_or("type");
    if (type == "error") {
        a.outer_error = true;
        read_error(stanza);
        return a;
    }
    if (type != "result") return a;
    const XmlElement* privilege = stanza.child("privilege", ns::privilege);
    const XmlElement* forwarded = privilege ? privilege->child("forwarded", ns::forward) : nullptr;
    const XmlElement* inner = forwarded ? forwarded->child("iq", ns::client) : nullptr;
    if (!inner) return a;
    a.inner = inner;
    const std::string_view inner_type = inner->attr_or("type");
    if (inner_type == "result") {
        a.status = PrivilegedAnswer::Status::result;
    } else if (inner_type == "error") {
        read_error(*inner);
    }
    return a;
}

Vcard4Fetch read_vcard4_fetch(const XmlElement& answer) {
    Vcard4Fetch f;
    const PrivilegedAnswer a = unwrap_privileged_answer(answer);
    using S = PrivilegedAnswer::Status;
    if (a.status == S::malformed) {
        f.error = "malformed answer";
        return f;
    }
    if (a.status == S::error) {
        // XEP-0060 §6.5.9.11: items of a node that does not exist: item-not-found.
        if (!a.outer_error && a.condition == "item-not-found") {
            f.status = Vcard4Fetch::Status::absent;
            return f;
        }
        f.error = a.condition + (a.text.empty() ? "" : " (" + a.text + ")");
        return f;
    }
    const XmlElement* pubsub = a.inner->child("pubsub", ns::pubsub);
    const XmlElement* items = pubsub ? pubsub->child("items", ns::pubsub) : nullptr;
    if (!items) {
        f.error = "result without items";
        return f;
    }
    const XmlElement* item = items->child("item", ns::pubsub);
    if (!item) {
        f.status = Vcard4Fetch::Status::absent;
        f.node_exists = true;
        return f;
    }
    const XmlElement* vcard = item->child("vcard", ns::vcard4);
    if (!vcard) {
        // Not ours to overwrite: whatever the user keeps there stays until they fix it.
        f.error = "the current item holds no vCard4";
        return f;
    }
    f.status = Vcard4Fetch::Status::found;
    f.vcard = *vcard;
    f.item_id = std::string(item->attr_or("id"));
    return f;
}

std::string read_vcard4_publish(const XmlElement& answer) {
    const PrivilegedAnswer a = unwrap_privileged_answer(answer);
    switch (a.status) {
        case PrivilegedAnswer::Status::result:
            return {};
        case PrivilegedAnswer::Status::error:
            return a.condition + (a.text.empty() ? "" : " (" + a.text + ")");
        case PrivilegedAnswer::Status::malformed:
            break;
    }
    return "malformed answer";
}

std::vector<XmlElement> guaranteed_vcard4_tels(const store::Binding& binding) {
    std::vector<XmlElement> out;
    // As in vcard-temp (guaranteed_tels): an unverified binding is not published as the user.
    if (!store::is_verified(binding.verification)) return out;
    for (auto& c : build_vcard4(binding).children) {
        if (is_tel(c)) out.push_back(std::move(c));
    }
    return out;
}

Vcard4Merge merge_vcard4(const XmlElement* current, const store::Binding* binding,
                         const store::Binding* previous, VcardGuard mode) {
    Vcard4Merge m;
    m.vcard = current ? *current : XmlElement("vcard", std::string(ns::vcard4));
    const auto guaranteed = binding ? guaranteed_vcard4_tels(*binding) : std::vector<XmlElement>{};
    const auto guaranteed_keys = keys_of(guaranteed);
    // What this component put there for the previous binding and no longer guarantees: a
    // number or address not bound any more (any tel of it), or a tel whose types changed (that
    // exact tel, e.g. video dropped).
    std::vector<std::string> stale_keys;
    std::vector<const XmlElement*> stale_tels;
    const auto before = previous ? guaranteed_vcard4_tels(*previous) : std::vector<XmlElement>{};
    for (const auto& p : before) {
        const std::string key = tel_key(p);
        if (!contains(guaranteed_keys, key)) {
            stale_keys.push_back(key);
        } else if (std::none_of(guaranteed.begin(), guaranteed.end(),
                                [&](const XmlElement& g) { return same_tel(g, p); })) {
            stale_tels.push_back(&p);
        }
    }
    std::vector<std::string> removed;
    XmlElement kept(m.vcard.name, m.vcard.xmlns);
    kept.attributes = m.vcard.attributes;
    kept.text = m.vcard.text;
    for (const auto& c : m.vcard.children) {
        if (is_tel(c)) {
            const std::string key = tel_key(c);
            // Another SIP address however spelt: the vcard-temp guard's rule.
            const bool foreign = mode == VcardGuard::correct && !guaranteed.empty() &&
                                 vcard::names_other_sip_address(tel_value(c), binding->aor);
            const bool stale = contains(stale_keys, key) ||
                               std::any_of(stale_tels.begin(), stale_tels.end(),
                                           [&](const XmlElement* p) { return same_tel(c, *p); });
            if (foreign || stale) {
                removed.push_back(key);
                continue;
            }
        }
        kept.children.push_back(c);
    }
    // A guaranteed tel missing, or present with fewer types, is put (back) with its types.
    std::vector<std::string> added;
    std::vector<const XmlElement*> missing;
    for (const auto& g : guaranteed) {
        if (std::none_of(kept.children.begin(), kept.children.end(),
                         [&](const XmlElement& c) { return is_tel(c) && carries(c, g); })) {
            missing.push_back(&g);
            added.push_back(tel_key(g));
        }
    }
    if (removed.empty() && added.empty()) return m;
    XmlElement out(kept.name, kept.xmlns);
    out.attributes = kept.attributes;
    out.text = kept.text;
    for (auto& c : kept.children) {
        if (is_tel(c) && contains(added, tel_key(c))) continue;  // replaced below
        out.children.push_back(std::move(c));
    }
    for (const XmlElement* g : missing) out.children.push_back(*g);
    for (const auto& k : removed) {
        if (!contains(added, k)) append_change(m.detail, "removed", k);
    }
    for (const auto& k : added) append_change(m.detail, "added", k);
    m.publish = true;
    m.vcard = std::move(out);
    return m;
}

bool same_guaranteed_tels(const store::Binding* a, const store::Binding* b) {
    if (!a || !b) return a == b;
    return a->aor == b->aor && a->numbers == b->numbers &&
           store::is_verified(a->verification) == store::is_verified(b->verification);
}

}  // namespace cusax::xmpp
