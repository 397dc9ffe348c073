#include <memory>
#include <string>

#include "shared/store/binding_store.hpp"
#include "shared/store/field_error.hpp"
#include "shared/store/sqlite_schema.hpp"
#include "shared/store/sqlite_store.hpp"

namespace cusax::store {

std::unique_ptr<BindingStore> open_store(const StoreSettings& settings) {
    std::unique_ptr<BindingStore> store;
    if (settings.backend == "sqlite") {
        store = std::make_unique<SqliteStore>(settings);
    } else {
        // PostgreSQL joins here; callers only ever see BindingStore.
        throw StoreError(
            field_error("backend", settings.backend, "unknown backend (known: sqlite)"));
    }
    if (!settings.read_only) {
        store->migrate();
        return store;
    }
    // A reader must not change the operator's file: an old schema is theirs to migrate.
    const int version = store->schema_version();
    const int wanted = sqlite::current_schema_version();
    if (version != wanted) {
        throw StoreError(
            settings.path + ": schema version " + std::to_string(version) +
            (version < wanted ? " is older than" : " is newer than") + " this program's (" +
            std::to_string(wanted) + "); " +
            (version < wanted ? "run cusaxctl init to create or migrate it" : "upgrade cusax"));
    }
    return store;
}

}  // namespace cusax::store
