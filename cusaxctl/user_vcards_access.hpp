#pragma once
// Opening the users' vCard store ([xmpp-component] vcard_store, or --vcard-store) for the
// commands that read or fill it, with cusaxctl's exit codes for what goes wrong.
#include "cusaxctl/ctl_context.hpp"
#include "shared/store/user_vcard_store.hpp"

namespace cusax::ctl {

enum class VcardStoreUse {
    read,  // the file must exist already (it is the component's): kStoreError when not
    fill,  // created when missing (an import before delegation is switched on)
};

// `command` names the command in the "not configured" error (kUsage).
store::UserVcardStore open_user_vcards(const CtlContext& ctx, VcardStoreUse use,
                                       const std::string& command);

}  // namespace cusax::ctl
