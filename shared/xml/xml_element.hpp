#pragma once
// A small XML element tree: one stanza as the stream parser builds it and as the handlers
// build replies. Plain data, no expat, no Asio.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared/xml/namespaces.hpp"

namespace cusax::xmpp {

struct XmlElement {
    std::string name;   // local name, no prefix ("iq", "vCard")
    std::string xmlns;  // namespace URI, empty for none
    // Attribute names are as they go on the wire: "id", "xml:lang". An attribute in any other
    // namespace is kept as "{uri}local" and serialised with a generated prefix.
    std::vector<std::pair<std::string, std::string>> attributes;
    // Character data directly inside this element. Stanzas in XMPP do not use mixed content in
    // ways that matter to the component, so text is serialised before the children.
    std::string text;
    std::vector<XmlElement> children;

    XmlElement() = default;
    XmlElement(std::string name_, std::string xmlns_ = {})
        : name(std::move(name_)), xmlns(std::move(xmlns_)) {}

    // nullptr when absent.
    const std::string* attr(std::string_view key) const;
    std::string_view attr_or(std::string_view key, std::string_view fallback = {}) const;
    // Replaces an existing value. Returns *this for chaining.
    XmlElement& set_attr(std::string_view key, std::string_view value);
    void remove_attr(std::string_view key);

    // First child with this name (and namespace, when given); nullptr when none.
    const XmlElement* child(std::string_view child_name, std::string_view child_ns = {}) const;
    XmlElement* child(std::string_view child_name, std::string_view child_ns = {});

    // Appends a child and returns a reference to it (valid until the next append here).
    XmlElement& add(XmlElement element);
    XmlElement& add(std::string child_name, std::string child_ns = {});
    // Appends <child_name>text</child_name> in this element's namespace.
    XmlElement& add_text_child(std::string child_name, std::string_view child_text);

    // Serialises with escaping. parent_ns is the default namespace in scope where the element
    // is written: a stanza on the component stream inherits "jabber:component:accept" and so
    // gets no xmlns attribute; anything else gets xmlns='...' where it differs from its parent.
    std::string serialize(std::string_view parent_ns = ns::component) const;
    void serialize_to(std::string& out, std::string_view parent_ns = ns::component) const;
};

// Escapes character data (&, <, >).
void append_escaped_text(std::string& out, std::string_view text);
// Escapes an attribute value for single-quoted attributes (&, <, >, ', " and TAB/CR/LF as
// character references so that they survive attribute-value normalisation).
void append_escaped_attribute(std::string& out, std::string_view value);

}  // namespace cusax::xmpp
