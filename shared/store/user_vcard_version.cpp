#include "shared/store/user_vcard_version.hpp"

#include <filesystem>

#include "shared/store/pg_handles.hpp"
#include "shared/store/pg_user_vcard_schema.hpp"
#include "shared/store/user_vcard_schema.hpp"

namespace cusax::store {

UserVcardStoreVersion user_vcard_store_version(const StoreSettings& where) {
    if (where.backend == "postgresql") {
        pg::Connection db(where.conninfo);
        return {pg::found_user_vcard_schema_version(db), pg::user_vcard_schema_version()};
    }
    const int program = sqlite::user_vcard_schema_version();
    // Opened read-only, which never creates the file: the component does that at its start.
    if (!std::filesystem::exists(where.path)) return {0, program};
    sqlite::Database db(where.path, true);
    return {sqlite::found_user_vcard_schema_version(db), program};
}

}  // namespace cusax::store
