#include "cusaxctl/user_vcards_access.hpp"

#include <filesystem>

#include "cusaxctl/command_error.hpp"

namespace cusax::ctl {

store::UserVcardStore open_user_vcards(const CtlContext& ctx, VcardStoreUse use,
                                       const std::string& command) {
    if (ctx.vcard_store_path.empty()) {
        throw CommandError(kUsage, command +
                                       " uses the users' vCard store: set [xmpp-component] "
                                       "vcard_store in the configuration file (or --vcard-store)");
    }
    if (use == VcardStoreUse::read && !std::filesystem::exists(ctx.vcard_store_path)) {
        throw CommandError(kStoreError, ctx.vcard_store_path +
                                            ": no vCard store yet (the component creates it "
                                            "when the XMPP server delegates vcard-temp to it)");
    }
    try {
        return store::UserVcardStore(ctx.vcard_store_path);
    } catch (const store::StoreError& e) {
        throw CommandError(kStoreError, e.what());
    }
}

}  // namespace cusax::ctl
