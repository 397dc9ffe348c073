// A long-lived PgStore (the component's writer, through which a vCard set drops a mutual
// binding) left idle while the server restarted, or whose connection the server ended, writes
// on its first call afterwards: the connection is made again before the command, not after it
// failed.
#include <gtest/gtest.h>

#include "postgres_server.hpp"
#include "shared/store/binding_store.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using test::Engine;
using test::PostgresServer;

class PgReconnectTest : public ::testing::Test {
  protected:
    PgReconnectTest() {
        writer_->add(
            test::binding("sip:alice@example.com", "alice@example.com", {}, Verification::Mutual));
    }
    ~PgReconnectTest() override { PostgresServer::shared().start(); }

    test::StoreTarget target_{Engine::postgresql};
    std::unique_ptr<BindingStore> writer_ = open_store(target_.settings());
};

TEST_F(PgReconnectTest, AWriterIdleAcrossAServerRestartWritesOnItsFirstCall) {
    PostgresServer::shared().stop();
    PostgresServer::shared().start();
    EXPECT_TRUE(writer_->replace_verification("sip:alice@example.com", Verification::Mutual,
                                              Verification::Unverified));
    EXPECT_EQ(writer_->find_by_aor("sip:alice@example.com")->verification,
              Verification::Unverified);
}

TEST_F(PgReconnectTest, AWriterWhoseConnectionTheServerEndedWritesOnItsFirstCall) {
    PostgresServer::shared().sql(
        "postgres",
        "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE application_name = "
        "'cusax' AND backend_type = 'client backend'");
    EXPECT_TRUE(writer_->set_verification("sip:alice@example.com", Verification::Admin));
}

// The snapshot watcher reads in full after any new connection (a promoted standby may reuse
// generation numbers): the store counts the connections it made again by itself.
TEST_F(PgReconnectTest, AConnectionMadeAgainIsCounted) {
    const auto before = writer_->connections();
    EXPECT_GE(before, 1u);
    writer_->generation();
    EXPECT_EQ(writer_->connections(), before);  // the same connection
    PostgresServer::shared().sql(
        "postgres",
        "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE application_name = "
        "'cusax' AND backend_type = 'client backend'");
    writer_->generation();
    EXPECT_EQ(writer_->connections(), before + 1);
}

TEST_F(PgReconnectTest, WhileTheServerIsDownAWriteFailsAsUnreachable) {
    PostgresServer::shared().stop();
    try {
        writer_->remove("sip:alice@example.com");
        FAIL() << "removed with the server down";
    } catch (const StoreError& e) {
        EXPECT_TRUE(e.unreachable()) << e.what();
    }
    PostgresServer::shared().start();
    EXPECT_TRUE(writer_->remove("sip:alice@example.com"));
}

}  // namespace
}  // namespace cusax::store
