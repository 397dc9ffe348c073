#include "sip-proxy/udp_workers.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "shared/log/line_format.hpp"

namespace {

std::atomic<bool> g_sharing{false};

}  // namespace

// Sofia-SIP's tport binds its listening sockets itself; in a worker each of them must have
// SO_REUSEPORT before bind() for the workers to share the address. The executable's bind()
// is the one every library of the process calls, so it is set here, just before the system
// call (a socket bound to an address nobody else shares, a resolver's, is unaffected by it).
extern "C" int bind(int fd, const struct sockaddr* address, socklen_t length) noexcept {
    if (g_sharing.load(std::memory_order_relaxed)) {
        const int on = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
    }
    return static_cast<int>(syscall(SYS_bind, fd, address, length));
}

namespace cusax::sip_proxy {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kStartBound = std::chrono::seconds(30);   // to be listening
constexpr auto kStopBound = std::chrono::seconds(15);    // to exit after SIGTERM (its alarm: 10 s)
constexpr auto kRestartPause = std::chrono::seconds(1);  // between two starts of a failing worker

int g_ready_fd = -1;     // in a worker: the pipe its supervisor waits on
pid_t g_supervisor = 0;  // in a worker: its supervisor
volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_reload = 0;
volatile std::sig_atomic_t g_replace = 0;

void on_stop(int) { g_stop = 1; }
void on_reload(int) { g_reload = 1; }
void on_replace(int) { g_replace = 1; }

// The supervisor runs no logger of its own (spdlog starts a thread, and a process that forks
// must have none): one line per event on standard error, in the daemon's text format.
void say(const char* level, std::string_view event, std::string_view message,
         std::initializer_list<log::Field> fields = {}) {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    tm utc{};
    gmtime_r(&now.tv_sec, &utc);
    char stamp[40];
    const std::size_t n = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(stamp + n, sizeof stamp - n, ".%03ldZ", now.tv_nsec / 1'000'000);
    const std::string line = std::string(stamp) + " " + level + " " +
                             log::format_text_body("sip-proxy", event, message,
                                                   std::span(fields.begin(), fields.size())) +
                             "\n";
    (void)!::write(STDERR_FILENO, line.data(), line.size());
}

struct Worker {
    int number = 0;
    pid_t pid = -1;
    int ready_fd = -1;  // read end; closed once the worker said it listens
    Clock::time_point started;
};

Worker start(int number, const std::function<int(int)>& serve) {
    Worker w;
    w.number = number;
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) return w;
    std::fflush(nullptr);
    w.pid = fork();
    if (w.pid == 0) {
        ::close(pipe_fds[0]);
        g_ready_fd = pipe_fds[1];
        g_supervisor = getppid();
        g_sharing = true;
        // Until the worker's ProxyReload listens; the supervisor signals it only after that
        // (it waits for the worker to be listening), so no reload is lost.
        std::signal(SIGHUP, SIG_IGN);
        std::signal(SIGUSR2, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        std::signal(SIGINT, SIG_DFL);
        const int status = serve(number);
        std::fflush(nullptr);
        _exit(status);
    }
    ::close(pipe_fds[1]);
    if (w.pid < 0) {
        ::close(pipe_fds[0]);
        return w;
    }
    w.ready_fd = pipe_fds[0];
    w.started = Clock::now();
    say("info", "sip.worker_started", "worker started",
        {{"worker", std::to_string(number)}, {"pid", std::to_string(w.pid)}});
    return w;
}

// Waits until `w` says it listens (true), exits or takes too long (false).
bool wait_listening(Worker& w) {
    while (Clock::now() - w.started < kStartBound && !g_stop) {
        pollfd p{w.ready_fd, POLLIN, 0};
        if (poll(&p, 1, 200) > 0) {
            char c = 0;
            const bool ready = ::read(w.ready_fd, &c, 1) == 1;
            ::close(w.ready_fd);
            w.ready_fd = -1;
            return ready;
        }
    }
    return false;
}

// SIGTERM, then up to kStopBound for it to exit, then SIGKILL.
void stop(Worker& w) {
    if (w.pid <= 0) return;
    kill(w.pid, SIGTERM);
    const auto until = Clock::now() + kStopBound;
    int status = 0;
    while (waitpid(w.pid, &status, WNOHANG) == 0) {
        if (Clock::now() > until) {
            kill(w.pid, SIGKILL);
            waitpid(w.pid, &status, 0);
            break;
        }
        poll(nullptr, 0, 50);
    }
    if (w.ready_fd >= 0) ::close(w.ready_fd);
    say("info", "sip.worker_stopped", "worker stopped",
        {{"worker", std::to_string(w.number)}, {"pid", std::to_string(w.pid)}});
    w.pid = -1;
    w.ready_fd = -1;
}

}  // namespace

pid_t supervisor_pid() { return g_supervisor; }

bool sharing_listening_addresses() { return g_sharing.load(std::memory_order_relaxed); }

void worker_listening() {
    if (g_ready_fd < 0) return;
    const char ready = 1;
    (void)!::write(g_ready_fd, &ready, 1);
    ::close(g_ready_fd);
    g_ready_fd = -1;
}

std::string random_branch_key() {
    std::string key(32, '\0');
    std::size_t got = 0;
    while (got < key.size()) {
        const ssize_t n = getrandom(key.data() + got, key.size() - got, 0);
        if (n < 0 && errno != EINTR) throw std::runtime_error("no random bytes for the branch key");
        if (n > 0) got += static_cast<std::size_t>(n);
    }
    return key;
}

int run_workers(int count, const std::function<int(int worker)>& serve,
                const std::function<void()>& reload) {
    std::signal(SIGTERM, on_stop);
    std::signal(SIGINT, on_stop);
    std::signal(SIGHUP, on_reload);
    std::signal(SIGUSR2, on_replace);
    // main() held SIGHUP until a handler listens (runtime::HeldSignal): this is the one now.
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    pthread_sigmask(SIG_UNBLOCK, &hup, nullptr);
    std::vector<Worker> workers;
    for (int number = 1; number <= count; ++number) {
        workers.push_back(start(number, serve));
        if (workers.back().pid <= 0 || !wait_listening(workers.back())) {
            say("critical", "sip.worker_failed", "a worker did not start; stopping",
                {{"worker", std::to_string(number)}});
            for (auto& w : workers) stop(w);
            return 1;
        }
    }
    while (!g_stop) {
        if (g_reload) {
            g_reload = 0;
            reload();
            for (const auto& w : workers)
                if (w.pid > 0) kill(w.pid, SIGHUP);
            say("info", "sip.workers_reloading", "SIGHUP passed on to every worker",
                {{"workers", std::to_string(workers.size())}});
        }
        if (g_replace) {
            g_replace = 0;
            // One at a time, the new one listening before the old one goes.
            for (auto& w : workers) {
                Worker fresh = start(w.number, serve);
                if (fresh.pid <= 0 || !wait_listening(fresh)) {
                    say("error", "sip.worker_failed", "replacement did not start; kept the old",
                        {{"worker", std::to_string(w.number)}});
                    stop(fresh);
                    continue;
                }
                stop(w);
                w = fresh;
            }
        }
        int status = 0;
        const pid_t gone = waitpid(-1, &status, WNOHANG);
        for (auto& w : workers) {
            if (gone <= 0 || w.pid != gone) continue;
            say("error", "sip.worker_exited", "worker exited; starting it again",
                {{"worker", std::to_string(w.number)},
                 {"status", std::to_string(WIFEXITED(status) ? WEXITSTATUS(status)
                                                             : 128 + WTERMSIG(status))}});
            if (w.ready_fd >= 0) ::close(w.ready_fd);
            const auto since = Clock::now() - w.started;
            if (since < kRestartPause)
                poll(nullptr, 0,
                     static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          kRestartPause - since)
                                          .count()));
            w = start(w.number, serve);
            if (w.pid > 0) wait_listening(w);
        }
        if (gone <= 0) poll(nullptr, 0, 200);
    }
    for (auto& w : workers) stop(w);
    return 0;
}

}  // namespace cusax::sip_proxy
