#pragma once
// Wire layer: several proxy processes on the same listening addresses (`workers` > 1).
//
// Each worker is a whole proxy (its own loop, agent, UDP path, snapshot), started by a small
// supervisor process. Their sockets share each listening address (SO_REUSEPORT): the kernel
// gives every UDP datagram and every TCP connection to one of them, by a hash of the peer's
// address. A stateless proxy keeps nothing per call and the branch of its Via is computed and
// signed with one key for all workers, so any worker can relay any message of any call
// (docs/sip-proxy-internals.md, "Workers").
//
// Sofia-SIP binds its sockets itself and has no option for SO_REUSEPORT, so in a worker every
// bind() of the process first sets it (this file interposes bind(); in the supervisor and in
// a single proxy it does nothing but bind).
//
// The supervisor restarts a worker that exits and stops them all on SIGTERM or SIGINT.
//
// SIGHUP means what it means with one process: read the INI file again and apply its
// reloadable keys in place, failing no call. The supervisor reads the file itself (so that a
// worker it starts later runs on the reloaded configuration too), then passes SIGHUP on to
// every worker, which reloads as a single proxy does (proxy_reload.hpp). A SIGHUP sent to a
// worker instead (`cusaxctl reload` finds the first worker by its stats file) is handed to
// the supervisor, so that all of them reload, never one alone.
//
// SIGUSR2 replaces the workers one at a time (to run a new executable, say): each replacement
// runs on the configuration the supervisor holds (the file as started, with what SIGHUP
// reloaded since; keys that need a restart need a restart of the whole proxy) and is
// listening before the one it replaces is stopped, so the address is never without a
// listener. Datagrams that were waiting in the stopped worker's socket are lost with it;
// SIP's retransmissions (RFC 3261 §17.1.1.2, §17.2.1) bring them again, to a worker that is
// there.
#include <sys/types.h>

#include <functional>
#include <string>

namespace cusax::sip_proxy {

// Runs `serve(worker)` (worker numbers 1..count) in `count` processes and supervises them
// until SIGTERM or SIGINT; on SIGHUP calls `reload` (in the supervisor: read the file again
// for the workers started from now on; it must not throw) and then signals every worker.
// Returns the exit status for the supervisor: 0 after a stop, 1 when a worker could not
// start. Call before any thread is started (it forks).
int run_workers(int count, const std::function<int(int worker)>& serve,
                const std::function<void()>& reload);

// In a worker: its supervisor's pid; 0 outside a worker.
pid_t supervisor_pid();

// In a worker, once its sockets are bound and it serves: tells the supervisor (which waits
// for this before it stops the worker a new one replaces). Nothing outside a worker.
void worker_listening();

// Whether sockets bound by this process now share their address (in a worker).
bool sharing_listening_addresses();

// A branch key for workers that have no branch_key_file: drawn once, before they start.
std::string random_branch_key();

}  // namespace cusax::sip_proxy
