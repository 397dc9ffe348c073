#pragma once
// The vCards of the XMPP server's own users, kept by cusax once the server delegates
// vcard-temp to the component (XEP-0355): a small SQLite file beside the binding store
// ([xmpp-component] vcard_store), one row per bare JID.
//
// Besides the vCard (serialised XML, as the component stores it) each row keeps the SIP URIs
// that the user's own submission listed in its TEL fields: RFC 7081 §3.3's second half of a
// binding, read by `cusaxctl verify --mutual`. It is kept apart from the XML because the
// component does not store the TELs it guarantees itself (a get merges the binding's current
// ones back), so the XML alone cannot say whether the user listed the address.
//
// And per bare JID, whether or not a vCard is stored, the values the component added to a
// vCard it showed that user (their SIP address and numbers, as vcard::comparable_tel_value
// spells them): a later set that carries one is the echo of that get, not the user's word,
// whatever the binding's state by then (xmpp-component/vcard_delegation.hpp says when one is
// forgotten).
//
// Schema: numbered migrations (user_vcard_schema.hpp); an existing file is upgraded in place
// and keeps its rows. Used by the component (its stream thread) and by cusaxctl; each opens its
// own connection.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cusax::store {

struct UserVcard {
    std::string xml;                      // the vCard element, serialised
    std::vector<std::string> listed_sip;  // normalised AORs the user's TELs listed
};

class UserVcardStore {
  public:
    // Opens (creating or upgrading when needed) the file. Throws StoreError naming the path.
    explicit UserVcardStore(const std::string& path);
    ~UserVcardStore();
    UserVcardStore(const UserVcardStore&) = delete;
    UserVcardStore& operator=(const UserVcardStore&) = delete;

    // The stored vCard of a bare JID (normalised, lower-case); nullopt when none.
    std::optional<UserVcard> get(std::string_view bare_jid);
    // Replaces the stored vCard, leaving the values shown to the user as they are (an import:
    // nothing was shown); committed when it returns. Throws StoreError.
    void put(std::string_view bare_jid, const UserVcard& vcard);
    // Every vCard or, on any failure, none (one transaction). Throws StoreError.
    void put_all(const std::vector<std::pair<std::string, UserVcard>>& vcards);
    // The user's own set: the stored vCard and the values still remembered as shown to them
    // (`shown` replaces what was there), in one transaction. Throws StoreError.
    void put_set(std::string_view bare_jid, const UserVcard& vcard,
                 const std::vector<std::string>& shown);

    // The values remembered as shown to a bare JID, sorted; empty when none.
    std::vector<std::string> shown(std::string_view bare_jid);
    // Remembers these values as shown too (those already remembered stay as they are);
    // committed when it returns. Throws StoreError.
    void add_shown(std::string_view bare_jid, const std::vector<std::string>& values);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cusax::store
