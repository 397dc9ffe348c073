// cusaxctl import-vcards: the users' existing vCards from the XMPP server's export (XEP-0227)
// into the component's vCard store, so that switching vcard-temp delegation on (XEP-0355) loses
// nobody's vCard: from then on the server forwards every vCard request to the component, which
// answers from this store. All or nothing, like `import`.
#include <algorithm>
#include <map>

#include "cusaxctl/command_error.hpp"
#include "cusaxctl/command_options.hpp"
#include "cusaxctl/input_files.hpp"
#include "cusaxctl/user_vcards_access.hpp"
#include "cusaxctl/xep0227_vcards.hpp"
#include "shared/vcard/vcard_temp_tels.hpp"

namespace cusax::ctl {

int command_import_vcards(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"import-vcards", "import-vcards FILE|DIR... [--replace]",
                     "Copy users' vCards from an XMPP server's XEP-0227 export (prosody-migrator "
                     "to xep0227, ejabberdctl export_piefxis) into the component's vCard store."};
    std::vector<std::string> inputs;
    bool replace = false;
    spec.options.add_options()  //
        ("input", po::value(&inputs)->required()->multitoken(),
         "XEP-0227 .xml file, or a directory of them")  //
        ("replace", po::bool_switch(&replace),
         "also replace vCards the store already holds (by default those are newer: kept)");
    spec.positional.add("input", -1);
    if (!parse_command(ctx, spec, args)) return kOk;

    // Read and check everything before writing anything.
    std::vector<ExportedVcard> exported;
    std::map<std::string, std::string> origin_of_jid;
    for (const auto& file : expand_inputs(
             inputs, [](const auto& p) { return has_extension(p, {".xml"}); }, ".xml files")) {
        for (auto& v : read_xep0227_vcards(file)) {
            const auto [it, fresh] = origin_of_jid.emplace(v.jid, v.origin);
            if (!fresh) {
                throw CommandError(kBadImportFile, v.origin + ": " + v.jid + " has a vCard in " +
                                                       it->second + " too");
            }
            exported.push_back(std::move(v));
        }
    }
    auto vcards = open_user_vcards(ctx, VcardStoreUse::fill, "import-vcards");
    std::vector<std::pair<std::string, store::UserVcard>> rows;
    std::size_t kept = 0;
    try {
        for (const auto& v : exported) {
            if (!replace && vcards.get(v.jid)) {
                ++kept;
                continue;
            }
            rows.push_back({v.jid, {v.vcard.serialize(), vcard::listed_sip_uris(v.vcard)}});
        }
        vcards.put_all(rows);
    } catch (const store::StoreError& e) {
        throw CommandError(kStoreError, e.what());
    }
    const auto where = user_vcards_name(ctx);
    say(ctx, {{"imported", rows.size()}, {"kept", kept}, {"path", where}},
        "imported " + std::to_string(rows.size()) + " vCards into " + where +
            (kept ? " (" + std::to_string(kept) + " already there kept; --replace replaces them)"
                  : std::string()));
    return kOk;
}

}  // namespace cusax::ctl
