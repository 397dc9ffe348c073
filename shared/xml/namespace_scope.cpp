#include "shared/xml/namespace_scope.hpp"

#include <algorithm>
#include <tuple>

#include "shared/xml/namespaces.hpp"
#include "shared/xml/xml_name_start.hpp"

namespace cusax::xmpp {

namespace {

constexpr std::string_view kXmlnsAttribute = "xmlns";

// A name as written, split at its colon; `qname` false when it is no QName (Namespaces in XML
// 1.0 §4): expat has checked that it is a Name, so what is left is more than one colon, an empty
// part on either side of one, or a local part that could not begin a name.
struct SplitQName {
    std::string_view prefix;
    std::string_view local;
    bool qname = true;
};

SplitQName split_qname(std::string_view raw) {
    const std::size_t colon = raw.find(':');
    if (colon == std::string_view::npos) return {{}, raw, true};
    SplitQName out{raw.substr(0, colon), raw.substr(colon + 1), true};
    out.qname = !out.prefix.empty() && out.local.find(':') == std::string_view::npos &&
                may_start_xml_name(out.local);
    return out;
}

// An NCName, for the prefix of a declaration: expat has checked the characters of the whole
// "xmlns:prefix", not that the prefix could begin a name.
bool is_ncname(std::string_view s) {
    return !s.empty() && s.find(':') == std::string_view::npos && may_start_xml_name(s);
}

bool less_expanded(const XmlAttribute& a, const XmlAttribute& b) {
    return std::tie(a.ns, a.name) < std::tie(b.ns, b.name);
}
bool same_expanded(const XmlAttribute& a, const XmlAttribute& b) {
    return a.ns == b.ns && a.name == b.name;
}

// Namespaces in XML 1.0 §6.3: attributes unique by expanded name. Attributes in no namespace
// are unique by the name expat has already checked, and a bound prefix never stands for no
// namespace, so only the namespaced ones can clash. Returns whether any did, keeping the first
// of each name.
bool drop_clashing(std::vector<XmlAttribute>& attributes, std::size_t namespaced) {
    if (namespaced < 2) return false;
    std::vector<std::size_t> order;
    order.reserve(namespaced);
    for (std::size_t i = 0; i < attributes.size(); ++i) {
        if (!attributes[i].ns.empty()) order.push_back(i);
    }
    // Sorted by expanded name, then position: n log n even for a start tag of thousands.
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        const XmlAttribute& a = attributes[x];
        const XmlAttribute& b = attributes[y];
        if (same_expanded(a, b)) return x < y;
        return less_expanded(a, b);
    });
    std::vector<bool> drop(attributes.size(), false);
    bool clash = false;
    for (std::size_t k = 1; k < order.size(); ++k) {
        if (same_expanded(attributes[order[k - 1]], attributes[order[k]])) {
            drop[order[k]] = true;
            clash = true;
        }
    }
    if (!clash) return false;
    std::size_t i = 0;
    std::erase_if(attributes, [&](const XmlAttribute&) { return drop[i++]; });
    return true;
}

}  // namespace

std::string_view NamespaceScope::default_namespace() const {
    return default_ == kNone ? std::string_view() : std::string_view(bindings_[default_].uri);
}

const std::string* NamespaceScope::lookup(std::string_view prefix) const {
    const auto it = innermost_.find(prefix);
    return it == innermost_.end() ? nullptr : &bindings_[it->second].uri;
}

void NamespaceScope::bind(std::string_view prefix, std::string_view uri) {
    if (used_ == bindings_.size()) bindings_.emplace_back();
    Binding& b = bindings_[used_];
    b.prefix.assign(prefix);
    b.uri.assign(uri);
    if (prefix.empty()) {
        b.shadowed = default_;
        default_ = used_;
    } else {
        auto [it, inserted] = innermost_.try_emplace(b.prefix, used_);
        b.shadowed = inserted ? kNone : it->second;
        it->second = used_;
    }
    ++used_;
}

// §3: what may be declared. The prefix xml may be declared, but only as what it already is,
// which changes nothing.
std::string_view NamespaceScope::declare(std::string_view prefix, std::string_view uri) {
    if (prefix.empty()) {
        if (uri == ns::xml) return "the xml namespace declared as the default namespace";
        if (uri == ns::xmlns) return "the xmlns namespace declared as the default namespace";
        bind(prefix, uri);
        return {};
    }
    if (prefix == "xmlns") return "the xmlns prefix declared";
    if (prefix == "xml") {
        return uri == ns::xml ? std::string_view() : "the xml prefix bound to another namespace";
    }
    if (uri.empty()) return "a prefix undeclared (xmlns:p='')";
    if (uri == ns::xml) return "the xml namespace bound to a prefix other than xml";
    if (uri == ns::xmlns) return "the xmlns namespace bound to a prefix";
    bind(prefix, uri);
    return {};
}

std::string_view NamespaceScope::open(std::string_view qname, const char* const* attributes,
                                      XmlElement& element) {
    marks_.push_back(used_);
    std::string_view violation;
    const auto note = [&violation](std::string_view v) {
        if (violation.empty()) violation = v;
    };

    // Declarations first: they are in scope for the element's own name and attributes.
    for (std::size_t i = 0; attributes[i]; i += 2) {
        const std::string_view name(attributes[i]);
        if (!name.starts_with(kXmlnsAttribute)) continue;
        if (name.size() == kXmlnsAttribute.size()) {
            note(declare({}, attributes[i + 1]));
        } else if (name[kXmlnsAttribute.size()] == ':') {
            const std::string_view prefix = name.substr(kXmlnsAttribute.size() + 1);
            note(is_ncname(prefix) ? declare(prefix, attributes[i + 1])
                                   : "a namespace declaration whose prefix is no NCName");
        }
    }

    const SplitQName name = split_qname(qname);
    if (!name.qname) note("an element name that is no QName");
    element.name.assign(name.local);
    if (name.prefix.empty()) {
        element.xmlns.assign(default_namespace());
    } else if (name.prefix == "xml") {
        element.xmlns.assign(ns::xml);
    } else if (const std::string* uri = name.prefix == "xmlns" ? nullptr : lookup(name.prefix)) {
        element.xmlns.assign(*uri);
    } else {
        note(name.prefix == "xmlns" ? "an element with the xmlns prefix"
                                    : "an element whose prefix is not declared");
        element.xmlns.clear();
    }
    note(resolve_attributes(attributes, element));
    return violation;
}

std::string_view NamespaceScope::resolve_attributes(const char* const* attributes,
                                                    XmlElement& element) const {
    std::string_view violation;
    std::size_t namespaced = 0;
    for (std::size_t i = 0; attributes[i]; i += 2) {
        const std::string_view raw(attributes[i]);
        if (raw.starts_with(kXmlnsAttribute) &&
            (raw.size() == kXmlnsAttribute.size() || raw[kXmlnsAttribute.size()] == ':')) {
            continue;  // a declaration
        }
        const SplitQName name = split_qname(raw);
        if (name.prefix.empty() && name.qname) {
            element.attributes.push_back({{}, std::string(raw), attributes[i + 1]});
            continue;
        }
        const std::string* uri = nullptr;
        if (!name.qname) {
            if (violation.empty()) violation = "an attribute name that is no QName";
        } else if (name.prefix == "xml") {
            static const std::string xml_namespace(ns::xml);
            uri = &xml_namespace;
        } else if (!(uri = lookup(name.prefix))) {
            if (violation.empty()) violation = "an attribute whose prefix is not declared";
        }
        if (!uri) continue;  // left out of the report
        element.attributes.push_back({*uri, std::string(name.local), attributes[i + 1]});
        ++namespaced;
    }
    if (drop_clashing(element.attributes, namespaced) && violation.empty()) {
        violation = "two attributes with one expanded name";
    }
    return violation;
}

void NamespaceScope::close() {
    if (marks_.empty()) return;
    const std::size_t mark = marks_.back();
    marks_.pop_back();
    while (used_ > mark) {
        --used_;
        const Binding& b = bindings_[used_];
        if (b.prefix.empty()) {
            default_ = b.shadowed;
        } else if (b.shadowed == kNone) {
            innermost_.erase(innermost_.find(std::string_view(b.prefix)));
        } else {
            innermost_.find(std::string_view(b.prefix))->second = b.shadowed;
        }
    }
}

void NamespaceScope::close_to(std::size_t keep) {
    while (marks_.size() > keep) close();
    // A stanza that declared thousands of prefixes leaves nothing of that size behind it.
    constexpr std::size_t kKeptBindings = 64;
    if (bindings_.size() > std::max(used_, kKeptBindings)) {
        bindings_.resize(std::max(used_, kKeptBindings));
        bindings_.shrink_to_fit();
    }
    if (innermost_.bucket_count() > 4 * kKeptBindings) innermost_.rehash(0);
}

}  // namespace cusax::xmpp
