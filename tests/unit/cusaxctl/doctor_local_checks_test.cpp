// cusaxctl doctor's checks of this host: the INI file (a file that does not load is a verdict
// of doctor's, not exit 2), the store's and the users' vCard store's schema against real SQLite
// files, the socket-buffer caps, and the daemons' stats files.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cusaxctl/doctor/buffer_check.hpp"
#include "cusaxctl/doctor/daemon_check.hpp"
#include "cusaxctl/doctor/ini_check.hpp"
#include "cusaxctl/doctor/store_check.hpp"
#include "cusaxctl/doctor/vcard_store_check.hpp"
#include "cusaxctl/exit_codes.hpp"
#include "cusaxctl_test_support.hpp"
#include "shared/counters/stats_file.hpp"
#include "shared/store/sqlite_schema.hpp"
#include "shared/store/user_vcard_schema.hpp"
#include "shared/store/user_vcard_store.hpp"

namespace cusax::ctl::doctor {
namespace {

using std::chrono::milliseconds;
using testing::CtlRunner;

// ---- the INI file ----

TEST(DoctorIni, AFileThatDoesNotLoadIsAFailureWithFileLineAndKey) {
    CtlRunner ctl;
    const auto ini = ctl.write_file("c.ini", "[log]\nlevel = info\nlevle = debug\n");
    auto r = ctl.run({"-c", ini.string(), "doctor"});
    EXPECT_EQ(r.code, kCheckFailed) << r.err;
    EXPECT_NE(r.out.find("FAIL     configuration"), std::string::npos) << r.out;
    r = ctl.run({"-c", ini.string(), "--json", "doctor"});
    EXPECT_EQ(r.code, kCheckFailed) << r.err;
    const auto checks = nlohmann::json::parse(r.out)["checks"];
    ASSERT_EQ(checks.size(), 8u) << r.out;
    EXPECT_EQ(checks[0]["verdict"], "FAIL");
    EXPECT_EQ(checks[0]["detail"], ini.string() +
                                       ":3: [log] levle: unknown key (did you mean "
                                       "level?)");
    EXPECT_NE(checks[0]["fix"].get<std::string>().find("--check-config"), std::string::npos);
    // Everything else needs the file: skipped, not run on defaults.
    for (std::size_t i = 1; i < checks.size(); ++i) {
        EXPECT_EQ(checks[i]["verdict"], "skipped") << checks[i];
    }
    // Other commands still stop at once on such a file.
    EXPECT_EQ(ctl.run({"-c", ini.string(), "list"}).code, kUsage);
}

TEST(DoctorIni, SectionsOfTheFileSayWhichDaemonsBelongHere) {
    CtlRunner ctl;
    const auto ini = ctl.write_file("c.ini", "[log]\nlevel = info\n[sip-proxy]\n");
    const auto loaded = check_ini(ini.string());
    ASSERT_TRUE(loaded.config);
    EXPECT_TRUE(loaded.sections.contains("sip-proxy"));
    EXPECT_FALSE(loaded.sections.contains("xmpp-component"));
    ASSERT_EQ(loaded.results.size(), 1u);
    EXPECT_EQ(loaded.results[0].verdict, Verdict::ok);
}

TEST(DoctorIni, ASecretOthersMayReadIsAWarning) {
    EXPECT_FALSE(secret_exposure("c.ini", 0640, true));
    EXPECT_FALSE(secret_exposure("c.ini", 0644, false));
    const auto exposed = secret_exposure("c.ini", 0644, true);
    ASSERT_TRUE(exposed);
    EXPECT_EQ(exposed->verdict, Verdict::warning);
    EXPECT_NE(exposed->fix.find("chmod 640 c.ini"), std::string::npos);
}

// ---- the store ----

store::StoreSettings sqlite_at(const std::string& path) {
    store::StoreSettings settings;
    settings.path = path;
    return settings;
}

// Runs SQL on a SQLite file, outside any store.
void run_sql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
}

void set_user_version(const std::string& path, int version) {
    run_sql(path, "PRAGMA user_version = " + std::to_string(version));
}

TEST(DoctorStore, CurrentMissingOlderNewer) {
    CtlRunner ctl;
    const auto settings = sqlite_at(ctl.store_path());
    auto r = check_store(settings);
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.fix.find("cusaxctl init"), std::string::npos) << r.fix;
    EXPECT_FALSE(std::filesystem::exists(ctl.store_path())) << "doctor created the store";

    ASSERT_EQ(ctl.run({"init"}).code, kOk);
    r = check_store(settings);
    EXPECT_EQ(r.verdict, Verdict::ok) << r.detail;
    EXPECT_NE(
        r.detail.find("schema version " + std::to_string(store::sqlite::current_schema_version())),
        std::string::npos)
        << r.detail;

    const int current = store::sqlite::current_schema_version();
    set_user_version(ctl.store_path(), current - 1);
    r = check_store(settings);
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("older"), std::string::npos) << r.detail;
    EXPECT_NE(r.fix.find("cusaxctl init migrates it"), std::string::npos) << r.fix;

    set_user_version(ctl.store_path(), current + 1);
    r = check_store(settings);
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.fix.find("newer cusax"), std::string::npos) << r.fix;
}

// ---- the users' vCard store ----

void set_vcard_schema_version(const std::string& path, int version) {
    run_sql(path, "UPDATE vcard_schema SET version = " + std::to_string(version));
}

TEST(DoctorVcardStore, NoneMissingCurrentOlderNewerFile) {
    CtlRunner ctl;
    const store::StoreSettings bindings = sqlite_at(ctl.store_path());
    EXPECT_EQ(check_vcard_store("", bindings).verdict, Verdict::skipped);

    const auto path = (ctl.dir() / "vcards.sqlite").string();
    auto r = check_vcard_store(path, bindings);
    EXPECT_EQ(r.verdict, Verdict::warning) << r.detail;
    EXPECT_NE(r.detail.find("no vCard store yet"), std::string::npos) << r.detail;
    EXPECT_NE(r.fix.find("start cusax-xmpp-component"), std::string::npos) << r.fix;
    EXPECT_FALSE(std::filesystem::exists(path)) << "doctor created the vCard store";

    { store::UserVcardStore made(path); }  // as the component makes it at its start
    const int current = store::sqlite::user_vcard_schema_version();
    r = check_vcard_store(path, bindings);
    EXPECT_EQ(r.verdict, Verdict::ok) << r.detail;
    EXPECT_NE(r.detail.find(path + ": schema version " + std::to_string(current)),
              std::string::npos)
        << r.detail;

    set_vcard_schema_version(path, current - 1);
    r = check_vcard_store(path, bindings);
    EXPECT_EQ(r.verdict, Verdict::warning) << r.detail;
    EXPECT_NE(r.detail.find("(older)"), std::string::npos) << r.detail;
    EXPECT_NE(r.fix.find("upgrades"), std::string::npos) << r.fix;
    set_vcard_schema_version(path, current + 1);
    r = check_vcard_store(path, bindings);
    EXPECT_EQ(r.verdict, Verdict::fail) << r.detail;
    EXPECT_NE(r.fix.find("newer cusax"), std::string::npos) << r.fix;
}

// postgresql names the [store] database: with a SQLite [store] there is none (the daemons'
// configuration check refuses it too), and a store that cannot be read is a failure.
TEST(DoctorVcardStore, InTheStoreDatabaseNeedsAPostgresqlStore) {
    CtlRunner ctl;
    auto r = check_vcard_store("postgresql", sqlite_at(ctl.store_path()));
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("backend is sqlite"), std::string::npos) << r.detail;

    VcardStoreFacts unreachable{"postgresql host=db.example.com port=5432 dbname=cusax", true,
                                std::nullopt, "connection refused"};
    r = vcard_store_verdict(unreachable);
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("dbname=cusax: connection refused"), std::string::npos) << r.detail;
    EXPECT_NE(r.fix.find("[store] conninfo"), std::string::npos) << r.fix;
    VcardStoreFacts none{"postgresql host=db.example.com", true, store::UserVcardStoreVersion{0, 1},
                         ""};
    r = vcard_store_verdict(none);
    EXPECT_EQ(r.verdict, Verdict::warning);
    EXPECT_NE(r.fix.find("allowed"), std::string::npos) << r.fix;
}

// ---- socket buffers ----

TEST(DoctorBuffers, ABufferAboveTheKernelCapIsAWarningWithTheSysctl) {
    BufferFacts facts{4194304, 4194304, 4194304, 212992, "c.ini:31", "c.ini:32"};
    auto r = buffer_verdict(facts);
    EXPECT_EQ(r.verdict, Verdict::warning);
    EXPECT_NE(r.detail.find("udp_receive_buffer = 4194304 fits net.core.rmem_max"),
              std::string::npos)
        << r.detail;
    EXPECT_NE(r.detail.find("udp_send_buffer = 4194304 (c.ini:32) is above net.core.wmem_max = "
                            "212992"),
              std::string::npos)
        << r.detail;
    EXPECT_NE(r.fix.find("sysctl -w net.core.wmem_max=4194304"), std::string::npos) << r.fix;
    EXPECT_EQ(r.fix.find("rmem_max"), std::string::npos) << r.fix;

    facts.wmem_max = 4194304;
    EXPECT_EQ(buffer_verdict(facts).verdict, Verdict::ok);
    facts.receive_asked = facts.send_asked = 0;  // the kernel's default: never capped
    facts.rmem_max = facts.wmem_max = 1;
    EXPECT_EQ(buffer_verdict(facts).verdict, Verdict::ok);
}

TEST(DoctorBuffers, KernelCapsAndUdpListeners) {
    CtlRunner ctl;
    ctl.write_file("rmem_max", "212992\n");
    EXPECT_EQ(kernel_cap(ctl.dir(), "rmem_max"), 212992u);
    EXPECT_EQ(kernel_cap(ctl.dir(), "wmem_max"), 0u);
    EXPECT_TRUE(listens_on_udp("sip:127.0.0.1:5070"));
    EXPECT_TRUE(listens_on_udp("sip:*:5060;transport=udp"));
    EXPECT_FALSE(listens_on_udp("sip:127.0.0.1:5070;transport=tcp"));
    EXPECT_FALSE(listens_on_udp("sips:127.0.0.1:5071"));
}

// ---- daemons ----

TEST(DoctorDaemons, NoStatsFileOrAPidThatIsNotTheDaemonIsNotRunning) {
    CtlRunner ctl;
    auto facts = read_daemon_facts(kSipProxy, ctl.dir());
    auto r = daemon_verdict(kSipProxy, facts, 1000, milliseconds(60000));
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("no stats file"), std::string::npos) << r.detail;
    EXPECT_NE(r.fix.find("systemctl start cusax-sip-proxy"), std::string::npos) << r.fix;

    // This test's own pid: alive, but not a cusax-sip-proxy.
    counters::write_stats_file(counters::stats_file_path(ctl.dir(), "sip-proxy"),
                               {"sip-proxy", static_cast<long>(::getpid()), 900, 990, {}});
    facts = read_daemon_facts(kSipProxy, ctl.dir());
    EXPECT_FALSE(facts.running);
    r = daemon_verdict(kSipProxy, facts, 1000, milliseconds(60000));
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("not running"), std::string::npos) << r.detail;
}

TEST(DoctorDaemons, StatsOlderThanTwoIntervalsAreStale) {
    DaemonFacts facts;
    facts.stats_file = "/run/cusax/xmpp-component.stats.json";
    facts.pid = 4242;
    facts.running = true;
    facts.written_at = 1000;
    auto r = daemon_verdict(kXmppComponent, facts, 1000 + 125, milliseconds(60000));
    EXPECT_EQ(r.verdict, Verdict::ok) << r.detail;
    EXPECT_NE(r.detail.find("pid 4242 runs, stats written 125 s ago"), std::string::npos);
    r = daemon_verdict(kXmppComponent, facts, 1000 + 126, milliseconds(60000));
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("its stats are 126 s old ([log] stats_interval = 1m)"),
              std::string::npos)
        << r.detail;
    EXPECT_NE(r.fix.find("kill -USR1 4242"), std::string::npos) << r.fix;
    // No periodic stats: freshness is not judged.
    EXPECT_EQ(daemon_verdict(kXmppComponent, facts, 1000 + 100000, milliseconds(0)).verdict,
              Verdict::ok);
}

TEST(DoctorDaemons, TheProcessNameIsWhatTheKernelKeeps) {
    EXPECT_FALSE(process_is(0, "cusax-sip-proxy"));
    std::ifstream comm("/proc/self/comm");
    std::string own;
    std::getline(comm, own);
    // This process named as the component: the kernel keeps 15 characters of it.
    ASSERT_EQ(::prctl(PR_SET_NAME, "cusax-xmpp-component"), 0);
    const long pid = static_cast<long>(::getpid());
    EXPECT_TRUE(process_is(pid, "cusax-xmpp-component"));
    EXPECT_FALSE(process_is(pid, "cusax-sip-proxy"));
    ::prctl(PR_SET_NAME, own.c_str());
}

}  // namespace
}  // namespace cusax::ctl::doctor
