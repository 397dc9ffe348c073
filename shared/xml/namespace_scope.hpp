#pragma once
// Namespaces in XML 1.0 for the stream parser, which runs expat without namespace processing and
// so gets names as they are written ("p:local", "xmlns:p"): the namespace declarations in scope
// at each open element, and the expanded names of an element and its attributes resolved
// through them.
//
// Written by hand rather than left to expat's namespace mode: there, a namespace error (an
// unbound prefix, the xml namespace declared as a default, which Prosody writes for a user's
// <xml:foo/>) is fatal to the whole document, and expat cannot go on after a fatal error. On a
// component stream the document is the one stream every user shares, so any user could end it
// at will. Here such an error is the verdict on one element, and the stream parser skips the
// stanza it is in (xml_stream_parser.hpp).
//
// The constraints checked (Namespaces in XML 1.0, §3 to §6): every name is a QName (at most one
// colon, with an NCName on each side of it); every prefix used is declared, but for xml; the
// prefix xml is bound only to its namespace and that namespace to no other prefix nor as the
// default; the prefix xmlns is never declared nor used on an element, and its namespace never
// bound; no prefix is undeclared (xmlns:p='', allowed only in 1.1); no two attributes of an
// element have one expanded name.
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "shared/xml/xml_element.hpp"

namespace cusax::xmpp {

class NamespaceScope {
  public:
    // Opens an element: its declarations come into scope (those that break a constraint are
    // left out), then `element` gets its local name, namespace name and attributes (document
    // order; declarations are not attributes). Returns the first constraint the element breaks,
    // one line without any of its content, or an empty view when it breaks none; then what
    // could not be resolved is left out (an attribute) or left in no namespace (the element),
    // so that the start tag can still be reported.
    // `attributes` is expat's: name, value, name, value, ..., nullptr.
    std::string_view open(std::string_view qname, const char* const* attributes,
                          XmlElement& element);
    // Ends the scope of the innermost open element.
    void close();
    // Ends the scopes of all but the `keep` outermost open elements.
    void close_to(std::size_t keep);
    std::size_t depth() const { return marks_.size(); }

    // The default namespace in scope; empty for none.
    std::string_view default_namespace() const;

  private:
    struct Binding {
        std::string prefix;  // empty: the default namespace
        std::string uri;
        std::size_t shadowed;  // the binding of the same prefix this one hides, or kNone
    };
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    struct TransparentHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };

    std::string_view declare(std::string_view prefix, std::string_view uri);
    void bind(std::string_view prefix, std::string_view uri);
    // The namespace a prefix stands for; nullptr when it is not bound. Empty: the default.
    const std::string* lookup(std::string_view prefix) const;
    std::string_view resolve_attributes(const char* const* attributes, XmlElement& element) const;

    // Bindings in scope, outermost first, in [0, used_); entries past used_ are kept so that
    // their strings' storage is reused by the next declarations.
    std::vector<Binding> bindings_;
    std::size_t used_ = 0;
    std::vector<std::size_t> marks_;  // per open element: used_ before its declarations
    std::size_t default_ = kNone;     // the binding of the default namespace in scope
    // Per prefix, its innermost binding: a hash map, so that a stanza declaring thousands of
    // prefixes costs no more per name looked up than one declaring none.
    std::unordered_map<std::string, std::size_t, TransparentHash, std::equal_to<>> innermost_;
};

}  // namespace cusax::xmpp
