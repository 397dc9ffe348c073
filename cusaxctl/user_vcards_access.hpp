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

// `command` names the command in the "not configured" error (kUsage). The store is a SQLite
// file or, with `postgresql`, the [store] PostgreSQL database (store::user_vcard_location).
store::UserVcardStore open_user_vcards(const CtlContext& ctx, VcardStoreUse use,
                                       const std::string& command);

// The store open_user_vcards() opens, for messages: the file, or the server and database.
std::string user_vcards_name(const CtlContext& ctx);

}  // namespace cusax::ctl
