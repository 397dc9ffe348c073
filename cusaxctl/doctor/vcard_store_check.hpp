#pragma once
// The users' vCard store ([xmpp-component] vcard_store: a SQLite file, or postgresql for tables
// of its own in the [store] PostgreSQL database): read without creating or upgrading it, its
// schema version against the one this cusax writes. The component creates a missing store
// and upgrades an older one at its start, and refuses a newer one.
#include <optional>
#include <string>

#include "cusaxctl/doctor/check_result.hpp"
#include "shared/store/binding_store.hpp"
#include "shared/store/user_vcard_version.hpp"

namespace cusax::ctl::doctor {

struct VcardStoreFacts {
    std::string where;                                    // the file, or the server and database
    bool in_database = false;                             // vcard_store = postgresql
    std::optional<store::UserVcardStoreVersion> version;  // none: it could not be read
    std::string error;                                    // why not
};

CheckResult vcard_store_verdict(const VcardStoreFacts& facts);

// Reads the facts and gives the verdict; skipped when vcard_store is empty.
CheckResult check_vcard_store(const std::string& vcard_store, const store::StoreSettings& bindings);

}  // namespace cusax::ctl::doctor
