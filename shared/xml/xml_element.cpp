#include "shared/xml/xml_element.hpp"

#include <algorithm>
#include <stdexcept>

namespace cusax::xmpp {

namespace {

constexpr std::string_view kXmlPrefix = "xml:";

// The expanded name an attribute key stands for: "xml:lang" is lang in the xml namespace,
// anything else an unprefixed name.
struct KeyName {
    std::string_view ns;
    std::string_view local;
};
KeyName key_name(std::string_view key) {
    if (key.starts_with(kXmlPrefix)) return {ns::xml, key.substr(kXmlPrefix.size())};
    return {{}, key};
}

bool is_named(const XmlAttribute& a, KeyName n) { return a.ns == n.ns && a.name == n.local; }

// XML 1.0 §2.2: of the C0 controls only TAB, LF and CR are characters at all.
bool is_forbidden_control(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 && c != '\t' && c != '\n' && c != '\r';
}
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

}  // namespace

const std::string* XmlElement::attr(std::string_view key) const {
    const KeyName n = key_name(key);
    for (const auto& a : attributes) {
        if (is_named(a, n)) return &a.value;
    }
    return nullptr;
}

std::string_view XmlElement::attr_or(std::string_view key, std::string_view fallback) const {
    const std::string* value = attr(key);
    return value ? std::string_view(*value) : fallback;
}

XmlElement& XmlElement::set_attr(std::string_view key, std::string_view value) {
    const KeyName n = key_name(key);
    for (auto& a : attributes) {
        if (is_named(a, n)) {
            a.value = value;
            return *this;
        }
    }
    attributes.push_back({std::string(n.ns), std::string(n.local), std::string(value)});
    return *this;
}

void XmlElement::remove_attr(std::string_view key) {
    const KeyName n = key_name(key);
    std::erase_if(attributes, [&](const XmlAttribute& a) { return is_named(a, n); });
}

const std::string* XmlElement::attr_in(std::string_view attr_ns, std::string_view local) const {
    for (const auto& a : attributes) {
        if (is_named(a, {attr_ns, local})) return &a.value;
    }
    return nullptr;
}

const XmlElement* XmlElement::child(std::string_view child_name, std::string_view child_ns) const {
    for (const auto& c : children) {
        if (c.name == child_name && (child_ns.empty() || c.xmlns == child_ns)) return &c;
    }
    return nullptr;
}

XmlElement* XmlElement::child(std::string_view child_name, std::string_view child_ns) {
    return const_cast<XmlElement*>(std::as_const(*this).child(child_name, child_ns));
}

XmlElement& XmlElement::add(XmlElement element) {
    children.push_back(std::move(element));
    return children.back();
}

XmlElement& XmlElement::add(std::string child_name, std::string child_ns) {
    return add(XmlElement(std::move(child_name), std::move(child_ns)));
}

XmlElement& XmlElement::add_text_child(std::string child_name, std::string_view child_text) {
    XmlElement& c = add(std::move(child_name), xmlns);
    c.text = child_text;
    return c;
}

namespace {

// One escaper for character data and attribute values: an attribute also needs its quotes
// escaped, and its tab and line feed written as references, or attribute-value normalisation
// would turn them into spaces (XML 1.0 §3.3.3).
void append_escaped(std::string& out, std::string_view text, bool attribute) {
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                continue;
            case '<':
                out += "&lt;";
                continue;
            case '>':
                out += "&gt;";  // needed after "]]" in text, harmless elsewhere
                continue;
            case '\r':
                out += "&#xD;";  // survives end-of-line normalisation
                continue;
            default:
                break;
        }
        if (attribute) {
            const char* reference = c == '\''   ? "&apos;"
                                    : c == '"'  ? "&quot;"
                                    : c == '\t' ? "&#x9;"
                                    : c == '\n' ? "&#xA;"
                                                : nullptr;
            if (reference) {
                out += reference;
                continue;
            }
        }
        if (is_forbidden_control(c)) {
            out += kReplacementCharacter;
        } else {
            out += c;
        }
    }
}

}  // namespace

void append_escaped_text(std::string& out, std::string_view text) {
    append_escaped(out, text, false);
}

void append_escaped_attribute(std::string& out, std::string_view value) {
    append_escaped(out, value, true);
}

std::string XmlElement::serialize(std::string_view default_ns) const {
    std::string out;
    serialize_to(out, default_ns);
    return out;
}

namespace {

void append_namespace_declaration(std::string& out, std::string_view prefix, std::string_view uri) {
    out += " xmlns";
    if (!prefix.empty()) {
        out += ':';
        out += prefix;
    }
    out += "='";
    append_escaped_attribute(out, uri);
    out += '\'';
}

void refuse_xmlns_namespace(std::string_view uri, std::string_view what, std::string_view name) {
    if (uri == ns::xmlns) {
        throw std::invalid_argument(std::string(what) + " " + std::string(name) +
                                    " in the xmlns namespace cannot be written");
    }
}

// The attributes of one element. Each namespace other than the xml one gets a prefix declared
// on the element itself ("ns0", "ns1", ...: never "xml", and the element's own name carries no
// prefix but "xml", so none can clash), the same prefix for attributes sharing a namespace.
void append_attributes(std::string& out, const std::vector<XmlAttribute>& attributes) {
    std::vector<std::string_view> prefixed;  // namespace names, by generated prefix number
    for (const auto& a : attributes) {
        refuse_xmlns_namespace(a.ns, "attribute", a.name);
        std::string prefix;
        if (a.ns == ns::xml) {
            prefix = "xml";
        } else if (!a.ns.empty()) {
            auto it = std::find(prefixed.begin(), prefixed.end(), a.ns);
            prefix = "ns" + std::to_string(it - prefixed.begin());
            if (it == prefixed.end()) {
                prefixed.push_back(a.ns);
                append_namespace_declaration(out, prefix, a.ns);
            }
        }
        out += ' ';
        if (!prefix.empty()) out += prefix + ':';
        out += a.name;
        out += "='";
        append_escaped_attribute(out, a.value);
        out += '\'';
    }
}

}  // namespace

void XmlElement::serialize_to(std::string& out, std::string_view default_ns) const {
    refuse_xmlns_namespace(xmlns, "element", name);
    // Namespaces in XML 1.0 §3: the xml namespace is bound to its prefix and must not be
    // declared as the default; the default in scope stays what it was for the children.
    const bool xml_prefixed = xmlns == ns::xml;
    const std::string qname = xml_prefixed ? "xml:" + name : name;
    std::string_view children_ns = default_ns;
    out += '<';
    out += qname;
    if (!xml_prefixed && xmlns != default_ns) {
        append_namespace_declaration(out, {}, xmlns);
        children_ns = xmlns;
    }
    append_attributes(out, attributes);
    if (text.empty() && children.empty()) {
        out += "/>";
        return;
    }
    out += '>';
    append_escaped_text(out, text);
    for (const auto& c : children) {
        c.serialize_to(out, children_ns);
        append_escaped_text(out, c.tail);
    }
    out += "</";
    out += qname;
    out += '>';
}

}  // namespace cusax::xmpp
