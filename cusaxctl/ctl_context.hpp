#pragma once
// What every cusaxctl command needs: where the store is, the defaults from the INI file,
// and where to write.
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "shared/store/binding_store.hpp"

namespace cusax::ctl {

struct CtlContext {
    std::string config_path;  // -c FILE as given; empty: the default (ctl_settings.hpp)
    store::StoreSettings store_settings;
    store::Verification import_verification = store::Verification::Unverified;
    std::filesystem::path stats_dir;
    std::string vcard_store_path;  // [xmpp-component] vcard_store: the users' vCards, or empty
    bool json = false;
    std::ostream* out = nullptr;
    std::ostream* err = nullptr;

    // Opens (creating and migrating) the store; CommandError(kStoreError) when it cannot.
    std::unique_ptr<store::BindingStore> open() const;
};

using CommandArgs = std::vector<std::string>;

// Each command: parses its own arguments (CommandError(kUsage) when wrong) and returns an
// exit code. Implemented one group per file.
int command_init(const CtlContext& ctx, const CommandArgs& args);
int command_add(const CtlContext& ctx, const CommandArgs& args);
int command_remove(const CtlContext& ctx, const CommandArgs& args);
int command_show(const CtlContext& ctx, const CommandArgs& args);
int command_list(const CtlContext& ctx, const CommandArgs& args);
int command_verify(const CtlContext& ctx, const CommandArgs& args);
// verify --mutual, called by command_verify (command_verify_mutual.cpp).
int verify_mutual(const CtlContext& ctx, const std::string& aor_text, bool all);
int command_unverify(const CtlContext& ctx, const CommandArgs& args);
int command_import(const CtlContext& ctx, const CommandArgs& args);
int command_import_vcards(const CtlContext& ctx, const CommandArgs& args);
int command_sync_vcards(const CtlContext& ctx, const CommandArgs& args);
int command_export(const CtlContext& ctx, const CommandArgs& args);
int command_stats(const CtlContext& ctx, const CommandArgs& args);

}  // namespace cusax::ctl
