#include "cusaxctl/doctor/store_check.hpp"

namespace cusax::ctl::doctor {
namespace {

constexpr std::string_view kCheck = "store";

// The SQLite file, or the PostgreSQL database (never the password): [store] path is not
// read by a postgresql store, and naming it sent operators to the wrong key.
std::string describe(const store::StoreSettings& settings) {
    if (settings.backend == "postgresql") return store::describe_store(settings);
    return settings.backend + " " + settings.path;
}

bool mentions(const std::string& text, std::string_view what) {
    return text.find(what) != std::string::npos;
}

}  // namespace

CheckResult store_failure(const store::StoreSettings& settings, bool missing,
                          const std::string& message) {
    CheckResult r{std::string(kCheck), Verdict::fail, message, ""};
    if (missing) {
        r.detail = describe(settings) + ": no store there ([store] path)";
        r.fix = "cusaxctl init creates it (or correct [store] path)";
    } else if (mentions(message, "older than")) {
        // The daemons refuse a store of another version, and never migrate it themselves.
        r.fix = "cusaxctl init migrates it to this version; then restart the daemons";
    } else if (mentions(message, "newer than")) {
        r.fix = "a newer cusax migrated it: install that version here too";
    } else {
        r.fix = "check [store] and that the daemons' user can read and write the store";
    }
    return r;
}

CheckResult check_store(const store::StoreSettings& settings) {
    auto reader = settings;
    reader.read_only = true;  // as the daemons open it: never created, never migrated
    try {
        const auto store = store::open_store(reader);
        return {std::string(kCheck), Verdict::ok,
                describe(settings) + " opens; schema version " +
                    std::to_string(store->schema_version()) + " is this cusaxctl's",
                ""};
    } catch (const store::StoreMissing& e) {
        return store_failure(settings, true, e.what());
    } catch (const store::StoreError& e) {
        return store_failure(settings, false, e.what());
    }
}

}  // namespace cusax::ctl::doctor
