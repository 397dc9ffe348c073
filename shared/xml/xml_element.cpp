#include "shared/xml/xml_element.hpp"

#include <algorithm>

namespace cusax::xmpp {

const std::string* XmlElement::attr(std::string_view key) const {
    for (const auto& [k, v] : attributes) {
        if (k == key) return &v;
    }
    return nullptr;
}

std::string_view XmlElement::attr_or(std::string_view key, std::string_view fallback) const {
    const std::string* value = attr(key);
    return value ? std::string_view(*value) : fallback;
}

XmlElement& XmlElement::set_attr(std::string_view key, std::string_view value) {
    for (auto& [k, v] : attributes) {
        if (k == key) {
            v = value;
            return *this;
        }
    }
    attributes.emplace_back(std::string(key), std::string(value));
    return *this;
}

void XmlElement::remove_attr(std::string_view key) {
    std::erase_if(attributes, [&](const auto& kv) { return kv.first == key; });
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

void append_escaped_text(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;  // needed after "]]", harmless elsewhere
            case '\r':
                out += "&#xD;";
                break;  // survives end-of-line normalisation
            default:
                out += c;
        }
    }
}

void append_escaped_attribute(std::string& out, std::string_view value) {
    for (char c : value) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '\'':
                out += "&apos;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\t':
                out += "&#x9;";
                break;
            case '\n':
                out += "&#xA;";
                break;
            case '\r':
                out += "&#xD;";
                break;
            default:
                out += c;
        }
    }
}

std::string XmlElement::serialize(std::string_view parent_ns) const {
    std::string out;
    serialize_to(out, parent_ns);
    return out;
}

void XmlElement::serialize_to(std::string& out, std::string_view parent_ns) const {
    out += '<';
    out += name;
    if (xmlns != parent_ns) {
        out += " xmlns='";
        append_escaped_attribute(out, xmlns);
        out += '\'';
    }
    int generated = 0;
    for (const auto& [key, value] : attributes) {
        out += ' ';
        if (!key.empty() && key.front() == '{') {
            // "{uri}local": declare a prefix of our own for it.
            auto close = key.find('}');
            std::string prefix = "ns" + std::to_string(generated++);
            out += "xmlns:" + prefix + "='";
            append_escaped_attribute(out, std::string_view(key).substr(1, close - 1));
            out += "' " + prefix + ':' + key.substr(close + 1);
        } else {
            out += key;
        }
        out += "='";
        append_escaped_attribute(out, value);
        out += '\'';
    }
    if (text.empty() && children.empty()) {
        out += "/>";
        return;
    }
    out += '>';
    append_escaped_text(out, text);
    for (const auto& c : children) c.serialize_to(out, xmlns);
    out += "</";
    out += name;
    out += '>';
}

}  // namespace cusax::xmpp
