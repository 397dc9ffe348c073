#include <memory>

#include "shared/store/binding_store.hpp"
#include "shared/store/field_error.hpp"
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
    store->migrate();
    return store;
}

}  // namespace cusax::store
