#pragma once
// The component's view of the users' vCard store (shared/store/user_vcard_store.hpp): the same
// rows, with the vCard as an XmlElement, and the values remembered as shown to each user.
//
// A row that is there but does not parse is an error, never "no vCard": answering a get with
// an empty vCard would let the user's next set overwrite what was stored without anyone
// noticing. And put reads what it is about to store back first, so that a set is never
// acknowledged for a vCard that a later get could not read.
//
// Threads: used from one thread at a time, the store jobs' (delegation_feature.hpp), never the
// stream's: a call may wait for the database. Calls are synchronous (a set commits before it is
// answered, so that an acknowledged vCard survives a restart).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/store/user_vcard_store.hpp"
#include "xmpp-component/stored_vcard.hpp"

namespace cusax::xmpp {

class VcardStore {
  public:
    // Opens (creating when missing) the store `where` names (store::user_vcard_location: a
    // SQLite file or the [store] PostgreSQL database). Throws store::StoreError naming it.
    explicit VcardStore(const store::StoreSettings& where) : rows_(where) {}
    // The SQLite file at `path`.
    explicit VcardStore(const std::string& path) : rows_(path) {}

    // The stored vCard of a bare JID (lower-case), nullopt when none. Throws store::StoreError
    // when the store cannot be read or the stored vCard does not parse.
    std::optional<StoredVcard> get(std::string_view bare_jid);
    // The user's own set: replaces the stored vCard and the values remembered as shown to them
    // (still_shown), together. Throws store::StoreError on a write failure, or when the vCard
    // would not read back as the same element (nothing is written then).
    void put(std::string_view bare_jid, const StoredVcard& stored,
             const std::vector<std::string>& still_shown);

    // The values remembered as shown to a bare JID (vcard_delegation.hpp). Throws
    // store::StoreError.
    std::vector<std::string> shown(std::string_view bare_jid) { return rows_.shown(bare_jid); }
    // Remembers more values as shown, committed before it returns (so before the get that
    // shows them is answered). Throws store::StoreError.
    void remember_shown(std::string_view bare_jid, const std::vector<std::string>& values) {
        rows_.add_shown(bare_jid, values);
    }

  private:
    store::UserVcardStore rows_;
};

}  // namespace cusax::xmpp
