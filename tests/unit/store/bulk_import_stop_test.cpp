// SQLite's bulk import (issue 21: past what the change log keeps, the change triggers are
// dropped inside the import's transaction and created again before it commits) stopped at each
// of its steps, in a process of its own: killed there with SIGKILL, the file is exactly what it
// was (or, killed once COMMIT returned, the whole import), the triggers are always all there,
// and the next single-row changes are logged, so the daemons see them; held there, other
// connections' writes and a second import wait and are refused after their busy timeout, never
// written unlogged, and readers see the state before it.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>

#include "bulk_import_support.hpp"
#include "change_log_support.hpp"
#include "snapshot_compare.hpp"

namespace cusax::store {
namespace {

using test::binding;

// Where the importing child stops: at the start of the `nth` run of a statement whose text
// begins with `sql`, or, with `finished`, once that run has returned.
struct StopPoint {
    const char* what;
    const char* sql;
    int nth;
    bool finished;
};

// What the child stops at, and how: killed (tell < 0), or held: a byte written to `tell`, then
// one read from `resume`. Set in the forked child only.
StopPoint g_stop{};
int g_runs = 0;
int g_tell = -1;
int g_resume = -1;

void stop_here() {
    if (g_tell < 0) raise(SIGKILL);
    char byte = 's';
    if (write(g_tell, &byte, 1) != 1 || read(g_resume, &byte, 1) != 1) _exit(3);
}

int on_trace(unsigned type, void*, void* statement, void* text) {
    const char* sql = type == SQLITE_TRACE_STMT
                          ? static_cast<const char*>(text)
                          : sqlite3_sql(static_cast<sqlite3_stmt*>(statement));
    if (!sql || (type == SQLITE_TRACE_PROFILE) != g_stop.finished) return 0;
    while (*sql == ' ' || *sql == '\n') ++sql;
    // "-- TRIGGER name" marks a trigger's statements: not a statement of the import's own.
    if (std::strncmp(sql, g_stop.sql, std::strlen(g_stop.sql)) != 0) return 0;
    if (++g_runs == g_stop.nth) stop_here();
    return 0;
}

// Registered with sqlite3_auto_extension: every connection the child opens is traced.
int trace_connection(sqlite3* db, const char**, const sqlite3_api_routines*) {
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE, on_trace, nullptr);
    return SQLITE_OK;
}

// A child process importing test::bulk() (the bulk path) into the store, stopping at `stop`.
// The parent must hold no connection to the file when it forks (SQLite's rule: a connection
// does not survive fork, and the child's would share its state).
class Importer {
  public:
    Importer(const StoreSettings& settings, StopPoint stop, bool held) {
        int tell[2] = {-1, -1}, resume[2] = {-1, -1};
        if (held && (pipe(tell) != 0 || pipe(resume) != 0)) throw std::runtime_error("pipe");
        pid_ = fork();
        if (pid_ < 0) throw std::runtime_error("fork");
        if (pid_ == 0) {
            g_stop = stop;
            g_tell = tell[1];
            g_resume = resume[0];
            if (held) {
                close(tell[0]);
                close(resume[1]);
            }
            sqlite3_auto_extension(reinterpret_cast<void (*)()>(trace_connection));
            int code = 0;
            try {
                open_store(settings)->import(test::bulk());
            } catch (...) {
                code = 2;
            }
            _exit(code);
        }
        if (held) {
            close(tell[1]);
            close(resume[0]);
            told_ = tell[0];
            resume_ = resume[1];
        }
    }
    ~Importer() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (told_ >= 0) close(told_);
        if (resume_ >= 0) close(resume_);
    }
    Importer(const Importer&) = delete;
    Importer& operator=(const Importer&) = delete;

    // Held: whether it reached its stop within the bound (false: it ended or failed first).
    bool reached_stop() const {
        pollfd p{told_, POLLIN, 0};
        char byte = 0;
        return poll(&p, 1, 300'000) == 1 && read(told_, &byte, 1) == 1;
    }
    void resume() const {
        const char byte = 'r';
        ASSERT_EQ(write(resume_, &byte, 1), 1);
    }
    // The child's wait status, once it ended.
    int wait() {
        int status = 0;
        if (waitpid(pid_, &status, 0) != pid_) status = -1;
        pid_ = -1;
        return status;
    }

  private:
    pid_t pid_ = -1;
    int told_ = -1;
    int resume_ = -1;
};

// A store with two bindings and a change log, every connection to it closed.
void fill(const test::StoreTarget& target) {
    auto store = open_store(target.settings());
    store->add(binding("sip:first@x", "first@x", {{"+2"}}));
    store->add(binding("sip:second@x", "second@x"));
}

// Single-row changes after whatever the import left reach a snapshot of that state through the
// log alone: the triggers log again (a missing one would leave the snapshot behind).
void expect_changes_logged(const test::StoreTarget& target) {
    auto store = open_store(target.settings());
    const auto base = test::full(*store);
    store->add(binding("sip:after@x", "after@x", {{"+3"}}));
    store->put(binding("sip:first@x", "first@x", {{"+4"}}));
    store->remove("sip:second@x");
    const auto next = test::caught_up(*store, *base);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->generation(), store->generation());
    test::expect_same_snapshot(*next, *test::full(*store), {"sip:second@x", "+2", "+3", "+4"});
}

const StopPoint kBeforeCommit[] = {
    {"before the triggers are read", "SELECT name, sql FROM sqlite_schema", 1, false},
    {"the triggers dropped, no row written", "DROP TRIGGER", 6, true},
    {"half the rows written", "INSERT INTO bindings", 20'000, false},
    {"every row written", "INSERT INTO bindings", 40'000, true},
    {"three triggers created again", "CREATE TRIGGER", 3, true},
    {"the generation not bumped yet", "UPDATE generation", 1, false},
    {"the log not emptied yet", "DELETE FROM changes", 1, false},
    {"at COMMIT", "COMMIT", 1, false},
};

TEST(SqliteBulkImportStopped, KilledAtAnyStepBeforeItsCommitTheFileIsAsBefore) {
    for (const auto& stop : kBeforeCommit) {
        SCOPED_TRACE(stop.what);
        test::StoreTarget target(test::Engine::sqlite);
        fill(target);
        const auto before = test::store_text(target.path());
        Importer importer(target.settings(), stop, false);
        const int status = importer.wait();
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            << "the import did not reach its stop (status " << status << ")";
        EXPECT_EQ(test::store_text(target.path()), before);
        expect_changes_logged(target);
    }
}

TEST(SqliteBulkImportStopped, KilledOnceItsCommitReturnedTheWholeImportIsThere) {
    test::StoreTarget target(test::Engine::sqlite);
    fill(target);
    const auto triggers = test::trigger_sql(target.path());
    const auto generation = target.query_int("SELECT value FROM generation");
    Importer importer(target.settings(), {"after COMMIT", "COMMIT", 1, true}, false);
    const int status = importer.wait();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    EXPECT_EQ(test::trigger_sql(target.path()), triggers);
    EXPECT_EQ(target.query_int("SELECT count(*) FROM bindings"), 40'002);
    EXPECT_EQ(target.query_int("SELECT count(*) FROM numbers"), 40'001);
    EXPECT_EQ(target.query_int("SELECT value FROM generation"), generation + 1);
    EXPECT_EQ(target.query_int("SELECT count(*) FROM changes"), 0);
    expect_changes_logged(target);
}

bool busy(const std::function<void()>& write) {
    try {
        write();
    } catch (const sqlite::SqliteError& e) {
        return (e.code & 0xff) == SQLITE_BUSY;
    }
    return false;
}

// Held with its triggers dropped, mid-insert, or at its COMMIT: an add, a remove and a second
// bulk import of another connection wait for it and are refused (SQLITE_BUSY), not written
// without the triggers; a reader sees the state before it, triggers included. Once it commits,
// the same writes go through and are logged, and the second import takes the bulk path too.
TEST(SqliteBulkImportStopped, HeldOtherWritersWaitAndReadersSeeTheStateBefore) {
    const StopPoint holds[] = {kBeforeCommit[1], kBeforeCommit[2], kBeforeCommit[7]};
    for (const auto& stop : holds) {
        SCOPED_TRACE(stop.what);
        test::StoreTarget target(test::Engine::sqlite);
        fill(target);
        const auto before = test::store_text(target.path());
        const auto triggers = test::trigger_sql(target.path());
        const auto generation = target.query_int("SELECT value FROM generation");
        Importer importer(target.settings(), stop, true);
        ASSERT_TRUE(importer.reached_stop());

        EXPECT_EQ(test::store_text(target.path()), before);
        auto reader = open_store(target.settings(true));
        EXPECT_EQ(reader->load_all().size(), 2u);
        auto settings = target.settings();
        settings.busy_timeout_ms = 100;
        auto writer = open_store(settings);
        EXPECT_TRUE(busy([&] { writer->add(binding("sip:meanwhile@x", "meanwhile@x")); }));
        EXPECT_TRUE(busy([&] { writer->remove("sip:first@x"); }));
        EXPECT_TRUE(busy([&] { writer->import(test::bulk(40'000, "v", "+5")); }));
        EXPECT_EQ(test::store_text(target.path()), before);

        importer.resume();
        const int status = importer.wait();
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
        EXPECT_EQ(test::trigger_sql(target.path()), triggers);
        EXPECT_EQ(target.query_int("SELECT value FROM generation"), generation + 1);
        EXPECT_EQ(reader->load_all().size(), 40'002u);

        const auto imported = test::full(*writer);
        writer->add(binding("sip:meanwhile@x", "meanwhile@x"));
        writer->remove("sip:first@x");
        auto next = test::caught_up(*writer, *imported);
        ASSERT_TRUE(next);
        test::expect_same_snapshot(*next, *test::full(*writer), {"sip:first@x", "+2"});
        writer->import(test::bulk(40'000, "v", "+5"));
        EXPECT_EQ(target.query_int("SELECT count(*) FROM changes"), 0);  // its one gap
        EXPECT_EQ(test::trigger_sql(target.path()), triggers);
        expect_changes_logged(target);
    }
}

}  // namespace
}  // namespace cusax::store
