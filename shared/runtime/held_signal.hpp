#pragma once
// A signal held (blocked) from construction until release(): one that arrives meanwhile waits
// and is delivered once the daemon listens for it, where SIG_IGN would lose it (a reload asked
// for while the daemon starts: `systemctl reload` right after `systemctl start`) and the
// default action would end the process. Threads started while it is held keep it blocked, so
// it reaches the thread that releases it. Construct it first in main(), before any thread.
#include <pthread.h>

#include <csignal>

namespace cusax::runtime {

class HeldSignal {
  public:
    explicit HeldSignal(int signal) {
        sigemptyset(&set_);
        sigaddset(&set_, signal);
        pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    }
    // Once the daemon's handler is in place: a signal that waited is delivered now.
    void release() { pthread_sigmask(SIG_UNBLOCK, &set_, nullptr); }

  private:
    sigset_t set_{};
};

}  // namespace cusax::runtime
