#pragma once
// A small XML element tree: one stanza as the stream parser builds it and as the handlers
// build replies. Plain data, no expat, no Asio.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared/xml/namespaces.hpp"

namespace cusax::xmpp {

// One attribute by its expanded name (Namespaces in XML 1.0 §4): the namespace name is kept
// apart from the local name, so that no character of a namespace name (which may be any URI
// reference, "}" and ":" included) can be mistaken for the boundary between the two.
struct XmlAttribute {
    std::string ns;    // namespace name; empty for an unprefixed attribute (nearly all of them)
    std::string name;  // local name
    std::string value;

    friend bool operator==(const XmlAttribute&, const XmlAttribute&) = default;
};

struct XmlElement {
    std::string name;   // local name, no prefix ("iq", "vCard")
    std::string xmlns;  // namespace URI, empty for none
    // In document order. An attribute in a namespace other than the xml one is written with a
    // prefix generated for it; one in the xml namespace with its reserved prefix (xml:lang).
    std::vector<XmlAttribute> attributes;
    // Character data directly inside this element before its first child (all of it when it
    // has no children), and after each child the character data that follows it up to the next
    // child or this element's end tag, as that child's tail (as Python's ElementTree keeps
    // mixed content): so that <a>x<b/>y</a> is written back in its order. An element's own
    // tail belongs to its parent's content: serialize() does not write it.
    std::string text;
    std::vector<XmlElement> children;
    std::string tail;

    XmlElement() = default;
    XmlElement(std::string name_, std::string xmlns_ = {})
        : name(std::move(name_)), xmlns(std::move(xmlns_)) {}

    // Attributes by the name they are written with: "id" (no namespace) or "xml:lang" (the
    // xml namespace, whose prefix is fixed: Namespaces in XML 1.0 §3). nullptr when absent.
    const std::string* attr(std::string_view key) const;
    std::string_view attr_or(std::string_view key, std::string_view fallback = {}) const;
    // Replaces an existing value. Returns *this for chaining.
    XmlElement& set_attr(std::string_view key, std::string_view value);
    void remove_attr(std::string_view key);
    // An attribute in any namespace, by namespace name and local name; nullptr when absent.
    const std::string* attr_in(std::string_view attr_ns, std::string_view local) const;

    // First child with this name (and namespace, when given); nullptr when none.
    const XmlElement* child(std::string_view child_name, std::string_view child_ns = {}) const;
    XmlElement* child(std::string_view child_name, std::string_view child_ns = {});

    // Appends a child and returns a reference to it (valid until the next append here).
    XmlElement& add(XmlElement element);
    XmlElement& add(std::string child_name, std::string child_ns = {});
    // Appends <child_name>text</child_name> in this element's namespace.
    XmlElement& add_text_child(std::string child_name, std::string_view child_text);

    // Serialises as namespace-well-formed XML (Namespaces in XML 1.0), with escaping.
    // default_ns is the default namespace in scope where the element is written: a stanza on
    // the component stream inherits "jabber:component:accept" and so gets no xmlns attribute;
    // anything else gets xmlns='...' where it differs from what is in scope. An element in the
    // xml namespace is written with the xml prefix instead, since that namespace must never be
    // declared as a default (§3). Names are written as they are: the parser only produces valid
    // ones, and the handlers use fixed ones. An element or attribute in the xmlns namespace has
    // no well-formed spelling (§3): std::invalid_argument, which the parser never produces.
    std::string serialize(std::string_view default_ns = ns::component) const;
    void serialize_to(std::string& out, std::string_view default_ns = ns::component) const;

    friend bool operator==(const XmlElement&, const XmlElement&) = default;
};

// Escapes character data (&, <, >, CR).
void append_escaped_text(std::string& out, std::string_view text);
// Escapes an attribute value for single-quoted attributes (&, <, >, ', " and TAB/CR/LF as
// character references so that they survive attribute-value normalisation).
// Both write U+FFFD for a control character XML 1.0 does not allow at all, not even as a
// character reference (XML 1.0 §2.2: Char), so that what is written always parses.
void append_escaped_attribute(std::string& out, std::string_view value);

}  // namespace cusax::xmpp
