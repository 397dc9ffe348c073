#include "cusaxctl/user_vcards_access.hpp"

#include "cusaxctl/command_error.hpp"

namespace cusax::ctl {

store::UserVcardStore open_user_vcards(const CtlContext& ctx, VcardStoreUse use,
                                       const std::string& command) {
    if (ctx.vcard_store_path.empty()) {
        throw CommandError(kUsage, command +
                                       " uses the users' vCard store: set [xmpp-component] "
                                       "vcard_store in the configuration file (or --vcard-store)");
    }
    try {
        // A read needs the store to be there already (it is the component's): StoreMissing
        // says so, naming it.
        return store::UserVcardStore(
            store::user_vcard_location(ctx.vcard_store_path, ctx.store_settings),
            use == VcardStoreUse::fill);
    } catch (const store::StoreError& e) {
        throw CommandError(kStoreError, e.what());
    }
}

std::string user_vcards_name(const CtlContext& ctx) {
    return store::describe_store(
        store::user_vcard_location(ctx.vcard_store_path, ctx.store_settings));
}

}  // namespace cusax::ctl
