#include <memory>
#include <string>

#include "shared/store/binding_store.hpp"
#include "shared/store/field_error.hpp"
#include "shared/store/pg_handles.hpp"
#include "shared/store/pg_schema.hpp"
#include "shared/store/pg_store.hpp"
#include "shared/store/sqlite_schema.hpp"
#include "shared/store/sqlite_store.hpp"

namespace cusax::store {

std::string describe_store(const StoreSettings& settings) {
    if (settings.backend == "postgresql") return pg::describe_conninfo(settings.conninfo);
    return settings.path;
}

std::unique_ptr<BindingStore> open_store(const StoreSettings& settings) {
    // Each engine numbers its own migrations; callers only ever see BindingStore.
    std::unique_ptr<BindingStore> store;
    int wanted = 0;
    if (settings.backend == "sqlite") {
        store = std::make_unique<SqliteStore>(settings);
        wanted = sqlite::current_schema_version();
    } else if (settings.backend == "postgresql") {
        store = std::make_unique<PgStore>(settings);
        wanted = pg::current_schema_version();
    } else {
        throw StoreError(field_error("backend", settings.backend,
                                     "unknown backend (known: sqlite, postgresql)"));
    }
    if (!settings.read_only) {
        store->migrate();
        return store;
    }
    // A reader must not change the operator's store: an old schema is theirs to migrate.
    const int version = store->schema_version();
    if (version != wanted) {
        throw StoreError(
            describe_store(settings) + ": schema version " + std::to_string(version) +
            (version < wanted ? " is older than" : " is newer than") + " this program's (" +
            std::to_string(wanted) + "); " +
            (version < wanted ? "run cusaxctl init to create or migrate it" : "upgrade cusax"));
    }
    return store;
}

}  // namespace cusax::store
