#include "cusaxctl/doctor/vcard_store_check.hpp"

#include "shared/store/user_vcard_store.hpp"

namespace cusax::ctl::doctor {
namespace {

constexpr std::string_view kCheck = "users' vCards";

}  // namespace

CheckResult vcard_store_verdict(const VcardStoreFacts& facts) {
    CheckResult r{std::string(kCheck), Verdict::ok, facts.where + ": ", ""};
    if (!facts.version) {
        r.verdict = Verdict::fail;
        r.detail += facts.error;
        r.fix = facts.in_database
                    ? "check [store] conninfo and that PostgreSQL answers"
                    : "check [xmpp-component] vcard_store and that the component's user can read "
                      "and write it";
        return r;
    }
    const auto [found, program] = *facts.version;
    const std::string versions =
        "schema version " + std::to_string(found) + ", this cusax's " + std::to_string(program);
    if (found == 0) {
        r.verdict = Verdict::warning;
        r.detail += "no vCard store yet";
        r.fix = facts.in_database
                    ? "start cusax-xmpp-component (or cusaxctl import-vcards): it creates its "
                      "tables there, which the role of [store] conninfo must be allowed to do"
                    : "start cusax-xmpp-component (or cusaxctl import-vcards): it creates the "
                      "file";
    } else if (found < program) {
        r.verdict = Verdict::warning;
        r.detail += versions + " (older)";
        r.fix = "restart cusax-xmpp-component: it upgrades the store, keeping its vCards";
    } else if (found > program) {
        r.verdict = Verdict::fail;
        r.detail += versions + " (newer)";
        r.fix = "a newer cusax migrated it: install that version here too";
    } else {
        r.detail += versions;
    }
    return r;
}

CheckResult check_vcard_store(const std::string& vcard_store,
                              const store::StoreSettings& bindings) {
    if (vcard_store.empty()) {
        return {std::string(kCheck), Verdict::skipped,
                "no [xmpp-component] vcard_store: delegated vCard sets are refused", ""};
    }
    VcardStoreFacts facts;
    facts.in_database = vcard_store == store::kVcardsInStoreDatabase;
    try {
        const auto where = store::user_vcard_location(vcard_store, bindings);
        facts.where = store::describe_store(where);
        facts.version = store::user_vcard_store_version(where);
    } catch (const store::StoreError& e) {
        if (facts.where.empty()) facts.where = vcard_store;
        facts.error = e.what();
    }
    return vcard_store_verdict(facts);
}

}  // namespace cusax::ctl::doctor
