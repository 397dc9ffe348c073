#pragma once
// The store opens as the daemons open it (read-only, never created or migrated: doctor changes
// nothing) and its schema is the one this cusaxctl writes.
#include "cusaxctl/doctor/check_result.hpp"
#include "shared/store/binding_store.hpp"

namespace cusax::ctl::doctor {

CheckResult check_store(const store::StoreSettings& settings);

// The verdict on a store that did not open: `missing` when there is none, else the store's
// own message (the factory names an older or newer schema version and what to do).
CheckResult store_failure(const store::StoreSettings& settings, bool missing,
                          const std::string& message);

}  // namespace cusax::ctl::doctor
