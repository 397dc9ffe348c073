// cusaxctl show and list: the commands that only read the store.
#include "cusaxctl/binding_output.hpp"
#include "cusaxctl/command_error.hpp"
#include "cusaxctl/command_options.hpp"
#include "shared/address/jid.hpp"
#include "shared/address/sip_address.hpp"
#include "shared/store/snapshot.hpp"

namespace cusax::ctl {

int command_show(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"show", "show AOR|JID|NUMBER",
                     "Show one binding, found by its SIP address, its JID or one of its numbers."};
    std::string key;
    spec.options.add_options()("key", po::value(&key)->required(), "what to look for");
    spec.positional.add("key", 1);
    if (!parse_command(ctx, spec, args)) return kOk;

    auto store = ctx.open();
    const auto snapshot = store::Snapshot::build(store->load_all(), 0);
    const store::BindingView* found = nullptr;
    if (auto sip = address::parse_sip_address(key)) {
        found = sip.value->kind == address::AddressKey::Kind::Aor
                    ? snapshot->by_aor(sip.value->value)
                    : snapshot->by_number(sip.value->value);
    } else if (auto number = address::normalise_number(key)) {
        found = snapshot->by_number(*number.value);
    } else if (auto jid = address::normalise_bare_jid(key)) {
        found = snapshot->by_jid(*jid.value);
    } else {
        throw CommandError(kRefused, "\"" + key + "\" is not a SIP address, a number or a JID");
    }
    if (!found) throw CommandError(kNotFound, key + ": no such binding");
    if (ctx.json) {
        *ctx.out << binding_to_json(found->to_binding()).dump() << '\n';
    } else {
        print_binding_details(*ctx.out, found->to_binding());
    }
    return kOk;
}

int command_list(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"list", "list [--json]", "List every binding, sorted by AOR."};
    if (!parse_command(ctx, spec, args)) return kOk;
    auto bindings = ctx.open()->load_all();
    std::sort(bindings.begin(), bindings.end(),
              [](const auto& a, const auto& b) { return a.aor < b.aor; });
    if (ctx.json) {
        auto array = nlohmann::ordered_json::array();
        for (const auto& binding : bindings) array.push_back(binding_to_json(binding));
        *ctx.out << array.dump() << '\n';
    } else {
        print_bindings_table(*ctx.out, bindings);
    }
    return kOk;
}

}  // namespace cusax::ctl
