// cusaxctl init, add, remove, verify, unverify: the commands that change the store.
#include "cusaxctl/command_error.hpp"
#include "cusaxctl/command_options.hpp"
#include "cusaxctl/phone_list.hpp"

namespace cusax::ctl {
namespace {

store::Verification verification_argument(const std::string& text) {
    auto state = store::verification_from_string(text);
    if (!state) {
        throw CommandError(kUsage, "verification \"" + text +
                                       "\": not one of unverified, admin, directory, mutual");
    }
    return *state;
}

}  // namespace

int command_init(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"init", "init", "Create the binding store, or migrate it to this version."};
    if (!parse_command(ctx, spec, args)) return kOk;
    auto store = ctx.open();
    const int version = store->schema_version();
    say(ctx, {{"path", ctx.store_settings.path}, {"schema_version", version}},
        store::describe_store(ctx.store_settings) + ": binding store ready (schema version " +
            std::to_string(version) + ")");
    return kOk;
}

int command_add(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"add", "add AOR JID [--name NAME] [--number N[:video]]... [--verified STATE]",
                     "Bind a SIP address-of-record to a bare JID."};
    std::string aor, jid, name, verified;
    std::vector<std::string> numbers;
    spec.options.add_options()                                                       //
        ("aor", po::value(&aor)->required(), "SIP AOR, e.g. sip:alice@example.com")  //
        ("jid", po::value(&jid)->required(), "bare JID, e.g. alice@example.com")     //
        ("name", po::value(&name), "display name")                                   //
        ("number", po::value(&numbers),
         "a number that reaches the user: +4930123, +4930123:video")  //
        ("verified", po::value(&verified)->default_value("unverified"),
         "unverified, admin or directory");
    spec.positional.add("aor", 1).add("jid", 1);
    if (!parse_command(ctx, spec, args)) return kOk;

    store::Binding binding;
    try {
        std::vector<store::PhoneNumber> phones;
        for (const auto& number : numbers) phones.push_back(parse_phone_item(number));
        binding = store::make_binding(aor, jid, name, phones, verification_argument(verified));
    } catch (const store::BindingError& e) {
        throw CommandError(kRefused, e.what());
    }
    auto store = ctx.open();
    try {
        store->add(binding);
    } catch (const store::BindingError& e) {
        throw CommandError(kRefused, e.what());
    }
    say(ctx, {{"added", binding.aor}, {"jid", binding.jid}},
        "added " + binding.aor + " -> " + binding.jid + " (" +
            std::string(store::to_string(binding.verification)) + ")");
    return kOk;
}

int command_remove(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"remove", "remove AOR", "Remove the binding of an AOR."};
    std::string aor_text;
    spec.options.add_options()("aor", po::value(&aor_text)->required(), "SIP AOR");
    spec.positional.add("aor", 1);
    if (!parse_command(ctx, spec, args)) return kOk;
    const auto aor = aor_argument(aor_text);
    if (!ctx.open()->remove(aor)) throw CommandError(kNotFound, aor + ": no such binding");
    say(ctx, {{"removed", aor}}, "removed " + aor);
    return kOk;
}

namespace {

int set_state(const CtlContext& ctx, const std::string& aor_text, store::Verification state) {
    const auto aor = aor_argument(aor_text);
    if (!ctx.open()->set_verification(aor, state)) {
        throw CommandError(kNotFound, aor + ": no such binding");
    }
    const std::string state_name(store::to_string(state));
    say(ctx, {{"aor", aor}, {"verification", state_name}}, aor + ": " + state_name);
    return kOk;
}

}  // namespace

int command_verify(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"verify",
                     "verify AOR [--source admin|directory] | verify --mutual (AOR | --all)",
                     "Mark a binding as verified, so the proxy announces its JID (RFC 7081 3.5). "
                     "--mutual: mark it mutual when the user's own vCard lists the AOR (RFC 7081 "
                     "3.3), and a mutual one whose vCard no longer does unverified."};
    std::string aor, source;
    bool mutual = false, all = false;
    spec.options.add_options()("aor", po::value(&aor), "SIP AOR")                     //
        ("source", po::value(&source)->default_value("admin"), "admin or directory")  //
        ("mutual", po::bool_switch(&mutual),
         "check the users' vCards ([xmpp-component] vcard_store)")  //
        ("all", po::bool_switch(&all), "with --mutual: every binding");
    spec.positional.add("aor", 1);
    const auto given = parse_command(ctx, spec, args);
    if (!given) return kOk;
    if (mutual) {
        if (all == !aor.empty())
            throw CommandError(kUsage, "verify --mutual takes an AOR or --all");
        if (!given->at("source").defaulted()) {
            throw CommandError(kUsage, "verify --mutual takes no --source");
        }
        return verify_mutual(ctx, aor, all);
    }
    if (all) throw CommandError(kUsage, "--all goes with --mutual");
    if (aor.empty()) throw CommandError(kUsage, "verify: which AOR?");
    const auto state = verification_argument(source);
    if (!store::is_verified(state) || state == store::Verification::Mutual) {
        throw CommandError(kUsage, "--source must name a verifying source: admin or directory");
    }
    return set_state(ctx, aor, state);
}

int command_unverify(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"unverify", "unverify AOR", "Mark a binding as unverified."};
    std::string aor;
    spec.options.add_options()("aor", po::value(&aor)->required(), "SIP AOR");
    spec.positional.add("aor", 1);
    if (!parse_command(ctx, spec, args)) return kOk;
    return set_state(ctx, aor, store::Verification::Unverified);
}

}  // namespace cusax::ctl
