#pragma once
// The vCards of the XMPP server's own users, kept by cusax once the server delegates
// vcard-temp to the component (XEP-0355), one row per bare JID: in a small SQLite file beside
// the binding store, or in the binding store's PostgreSQL database, in tables of their own, so
// that component instances on several hosts share them ([xmpp-component] vcard_store:
// user_vcard_location below).
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
// The statements are plain SQL that both engines run as written (user_vcard_store.cpp); each
// engine keeps its own schema as numbered migrations (user_vcard_schema.hpp,
// pg_user_vcard_schema.hpp), and an existing store is upgraded in place keeping its rows.
// Used by the component (its store worker thread) and by cusaxctl; each opens its own
// connection. Not thread-safe.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared/store/binding_store.hpp"

namespace cusax::store {

struct UserVcard {
    std::string xml;                      // the vCard element, serialised
    std::vector<std::string> listed_sip;  // normalised AORs the user's TELs listed
};

// How long a call waits for a SQLite vCard file another process holds locked (its
// busy_timeout) before it fails.
inline constexpr std::chrono::milliseconds kUserVcardBusyWait{5000};

// The value of [xmpp-component] vcard_store that keeps the users' vCards in the PostgreSQL
// database of [store] instead of a file.
inline constexpr std::string_view kVcardsInStoreDatabase = "postgresql";

// Where [xmpp-component] vcard_store puts the vCards: `postgresql` names the database of
// `bindings` (its conninfo; StoreError when [store] is no PostgreSQL store), anything else a
// SQLite file.
StoreSettings user_vcard_location(const std::string& vcard_store, const StoreSettings& bindings);

class VcardRows;

class UserVcardStore {
  public:
    // Opens the store `where` names (backend sqlite: the file at path; postgresql: the
    // database of conninfo), creating it when missing or, with `create` false, throwing
    // StoreMissing then; an older schema is upgraded. Throws StoreError naming the file or
    // the server (never a password).
    explicit UserVcardStore(const StoreSettings& where, bool create = true);
    // The SQLite file at `path`, created when missing.
    explicit UserVcardStore(const std::string& path);
    ~UserVcardStore();
    UserVcardStore(UserVcardStore&&) noexcept;
    UserVcardStore& operator=(UserVcardStore&&) noexcept;

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
    std::unique_ptr<VcardRows> rows_;
};

}  // namespace cusax::store
