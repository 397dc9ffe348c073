#pragma once
// The vCards of the XMPP server's users, kept by the component once vcard-temp is delegated to
// it (XEP-0355): a small SQLite file of its own (vcard_store in [xmpp-component]), beside the
// binding store, one row per bare JID holding the vCard as sent (serialised XML).
//
// Threads: used from the stream's thread only. Calls are synchronous (a set commits before it
// is answered, so that an acknowledged vCard survives a restart).
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "xmpp-component/xml_element.hpp"

namespace cusax::xmpp {

class VcardStore {
  public:
    // Opens (creating when missing) the file. Throws std::runtime_error naming the path.
    explicit VcardStore(const std::string& path);
    ~VcardStore();
    VcardStore(const VcardStore&) = delete;
    VcardStore& operator=(const VcardStore&) = delete;

    // The stored vCard of a bare JID (lower-case), nullopt when none or unreadable.
    std::optional<XmlElement> get(std::string_view bare_jid);
    // Replaces the stored vCard. Throws std::runtime_error on a write failure.
    void put(std::string_view bare_jid, const XmlElement& vcard);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// One element parsed back from its serialised form (as XmlElement::serialize wrote it, in
// the component's default namespace); nullopt when it does not parse.
std::optional<XmlElement> parse_element(std::string_view xml);

}  // namespace cusax::xmpp
