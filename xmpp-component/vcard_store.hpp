#pragma once
// The component's view of the users' vCard store (shared/store/user_vcard_store.hpp): the same
// rows, with the vCard as an XmlElement.
//
// A row that is there but does not parse is an error, never "no vCard": answering a get with
// an empty vCard would let the user's next set overwrite what was stored without anyone
// noticing. And put reads what it is about to store back first, so that a set is never
// acknowledged for a vCard that a later get could not read.
//
// Threads: used from the stream's thread only. Calls are synchronous (a set commits before it
// is answered, so that an acknowledged vCard survives a restart).
#include <optional>
#include <string>
#include <string_view>

#include "shared/store/user_vcard_store.hpp"
#include "xmpp-component/stored_vcard.hpp"

namespace cusax::xmpp {

class VcardStore {
  public:
    // Opens (creating when missing) the file. Throws store::StoreError naming the path.
    explicit VcardStore(const std::string& path) : rows_(path) {}

    // The stored vCard of a bare JID (lower-case), nullopt when none. Throws store::StoreError
    // when the store cannot be read or the stored vCard does not parse.
    std::optional<StoredVcard> get(std::string_view bare_jid);
    // Replaces the stored vCard. Throws store::StoreError on a write failure, or when the
    // vCard would not read back as the same element (nothing is written then).
    void put(std::string_view bare_jid, const StoredVcard& stored);

  private:
    store::UserVcardStore rows_;
};

}  // namespace cusax::xmpp
