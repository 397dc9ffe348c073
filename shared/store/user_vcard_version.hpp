#pragma once
// Which schema version a users' vCard store (user_vcard_store.hpp) has, read without creating
// or upgrading it: for `cusaxctl doctor`, which changes nothing. UserVcardStore itself creates
// a missing store and upgrades an older one as it opens it.
#include "shared/store/binding_store.hpp"

namespace cusax::store {

struct UserVcardStoreVersion {
    int found = 0;    // the schema version there; 0: no vCard store there yet
    int program = 0;  // the version this program writes (each engine numbers its own)
};

// `where` as user_vcard_location() gives it: a SQLite file (missing: found 0) or a PostgreSQL
// database. Throws StoreError naming the file or the server when it cannot be read.
UserVcardStoreVersion user_vcard_store_version(const StoreSettings& where);

}  // namespace cusax::store
