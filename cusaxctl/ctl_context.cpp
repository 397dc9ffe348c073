#include "cusaxctl/ctl_context.hpp"

#include "cusaxctl/command_error.hpp"

namespace cusax::ctl {

std::unique_ptr<store::BindingStore> CtlContext::open() const {
    try {
        return store::open_store(store_settings);
    } catch (const store::StoreError& e) {
        throw CommandError(kStoreError, e.what());
    }
}

}  // namespace cusax::ctl
