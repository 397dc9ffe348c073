#pragma once
// A real PostgreSQL 15 (Debian's, /usr/lib/postgresql/15/bin) of the test's own: initdb into a
// temporary directory, the server started as this process's child on a free port of
// 127.0.0.1 (as the unprivileged user "postgres" when the test runs as root: the server
// refuses root), password authentication over TCP with a passfile, stopped by its PID.
// Missing binaries fail the test (scripts/install-deps installs them), never skip it.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace cusax::store::test {

class PostgresServer {
  public:
    // The server of this test process, started on first use and stopped at exit.
    static PostgresServer& shared();

    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // A new, empty database of its own; returns a conninfo that reaches it (no password in
    // it: the passfile has it).
    std::string create_database();
    std::string conninfo(const std::string& database) const;
    // Runs SQL as a psql session would, outside any store (the superuser's connection).
    void sql(const std::string& database, const std::string& text) const;

    // Fast shutdown by PID, waiting for the process to end; start() brings it back on the same
    // port and data. For outage tests.
    void stop();
    void start();
    bool running() const { return pid_ > 0; }
    int port() const { return port_; }
    // The data directory (for a test that copies it while the server is stopped).
    std::filesystem::path data_dir() const { return dir_ / "data"; }

  private:
    void run_as_server_user(const std::vector<std::string>& args, const std::string& log) const;
    void wait_until_ready() const;
    std::filesystem::path dir_;
    std::string bin_;
    std::string password_;
    uid_t uid_ = 0;
    gid_t gid_ = 0;
    int port_ = 0;
    pid_t pid_ = -1;
    int databases_ = 0;
};

}  // namespace cusax::store::test
