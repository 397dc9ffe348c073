#include "postgres_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cusax::store::test {
namespace {

using namespace std::chrono_literals;

std::string server_bin() {
    if (const char* bin = std::getenv("CUSAX_PG_BIN")) return bin;
    return "/usr/lib/postgresql/15/bin";
}

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("postgres test server: no free port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

std::string random_hex() {
    std::random_device random;
    std::ostringstream out;
    for (int i = 0; i < 4; ++i) out << std::hex << random();
    return out.str();
}

std::string tail(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

// Forks and runs `args` with its output in `log`, as uid/gid when we are root. The child gets
// SIGQUIT (PostgreSQL's immediate shutdown) if this process dies first: a crashed test leaves
// no server behind.
pid_t spawn(const std::vector<std::string>& args, const std::string& log, uid_t uid, gid_t gid) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out < 0) throw std::runtime_error("cannot open " + log);
    if (::geteuid() == 0 && ::fchown(out, uid, gid) != 0) {
        ::close(out);
        throw std::runtime_error("cannot chown " + log);
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out, 1);
        ::dup2(out, 2);
        if (::geteuid() == 0 && (::setgid(gid) != 0 || ::setuid(uid) != 0)) ::_exit(126);
        // After setuid: a change of credentials clears the parent-death signal.
        ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(out);
    if (pid < 0) throw std::runtime_error("fork failed");
    return pid;
}

}  // namespace

PostgresServer& PostgresServer::shared() {
    static PostgresServer server;
    return server;
}

PostgresServer::PostgresServer() : bin_(server_bin()), password_(random_hex()) {
    if (::access((bin_ + "/postgres").c_str(), X_OK) != 0 ||
        ::access((bin_ + "/initdb").c_str(), X_OK) != 0) {
        throw std::runtime_error("PostgreSQL 15 server binaries missing in " + bin_ +
                                 " (scripts/install-deps installs postgresql-15)");
    }
    uid_ = ::geteuid();
    gid_ = ::getegid();
    if (uid_ == 0) {
        const passwd* user = ::getpwnam("postgres");
        if (!user) throw std::runtime_error("no user 'postgres' to run the test server as");
        uid_ = user->pw_uid;
        gid_ = user->pw_gid;
    }
    std::string pattern = "/tmp/cusax-pg-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    if (::geteuid() == 0 && ::chown(dir_.c_str(), uid_, gid_) != 0) {
        throw std::runtime_error("cannot chown " + dir_.string());
    }
    {
        std::ofstream(dir_ / "pwfile") << password_ << "\n";
        std::ofstream(dir_ / "pgpass") << "*:*:*:cusax:" << password_ << "\n";
        // libpq ignores a passfile others may read; initdb reads the pwfile as the server user.
        ::chmod((dir_ / "pgpass").c_str(), 0600);
        if (::geteuid() == 0 && ::chown((dir_ / "pwfile").c_str(), uid_, gid_) != 0) {
            throw std::runtime_error("cannot chown the pwfile");
        }
    }
    const pid_t initdb =
        spawn({bin_ + "/initdb", "-D", (dir_ / "data").string(), "-U", "cusax", "--pwfile",
               (dir_ / "pwfile").string(), "--auth-local=trust", "--auth-host=scram-sha-256",
               "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"},
              (dir_ / "initdb.log").string(), uid_, gid_);
    int status = 0;
    ::waitpid(initdb, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw std::runtime_error("initdb failed: " + tail(dir_ / "initdb.log"));
    }
    start();
}

PostgresServer::~PostgresServer() {
    try {
        stop();
    } catch (...) {
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

void PostgresServer::start() {
    if (pid_ > 0) return;
    // A port found free may be taken before the server binds it: try again on another.
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (port_ == 0 || attempt > 0) port_ = free_port();
        pid_ = spawn({bin_ + "/postgres", "-D", (dir_ / "data").string(), "-c",
                      "listen_addresses=127.0.0.1", "-c", "port=" + std::to_string(port_), "-c",
                      "unix_socket_directories=" + dir_.string(), "-c", "fsync=off", "-c",
                      "full_page_writes=off"},
                     (dir_ / "server.log").string(), uid_, gid_);
        try {
            wait_until_ready();
            return;
        } catch (const std::exception&) {
            if (pid_ > 0) stop();
        }
    }
    throw std::runtime_error("postgres test server did not start: " + tail(dir_ / "server.log"));
}

void PostgresServer::wait_until_ready() const {
    const auto until = std::chrono::steady_clock::now() + 30s;
    const auto info = conninfo("postgres");
    while (PQping(info.c_str()) != PQPING_OK) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            const_cast<PostgresServer*>(this)->pid_ = -1;
            throw std::runtime_error("postgres exited");
        }
        if (std::chrono::steady_clock::now() > until) throw std::runtime_error("not ready");
        std::this_thread::sleep_for(10ms);
    }
}

void PostgresServer::stop() {
    if (pid_ <= 0) return;
    // SIGINT: fast shutdown (open sessions are ended); SIGKILL only if it hangs.
    ::kill(pid_, SIGINT);
    const auto until = std::chrono::steady_clock::now() + 30s;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > until) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(5ms);
    }
    pid_ = -1;
}

std::string PostgresServer::conninfo(const std::string& database) const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=cusax dbname=" + database +
           " passfile=" + (dir_ / "pgpass").string();
}

std::string PostgresServer::create_database() {
    const std::string name = "test_" + std::to_string(++databases_);
    sql("postgres", "CREATE DATABASE " + name);
    return conninfo(name);
}

void PostgresServer::sql(const std::string& database, const std::string& text) const {
    PGconn* c = PQconnectdb(conninfo(database).c_str());
    std::string error;
    if (PQstatus(c) != CONNECTION_OK) {
        error = PQerrorMessage(c);
    } else {
        PGresult* r = PQexec(c, text.c_str());
        const auto status = PQresultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) error = PQerrorMessage(c);
        PQclear(r);
    }
    PQfinish(c);
    if (!error.empty()) throw std::runtime_error("sql on " + database + " failed: " + error);
}

}  // namespace cusax::store::test
