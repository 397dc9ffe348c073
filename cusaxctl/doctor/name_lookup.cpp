#include "cusaxctl/doctor/name_lookup.hpp"

#include <netdb.h>

#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

namespace cusax::ctl::doctor {
namespace {

// Shared by the waiting caller and the looking-up thread, which may outlive the wait.
struct Lookup {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    int status = 0;
    std::vector<SocketAddress> addresses;
};

void run_getaddrinfo(Lookup& lookup, const std::string& host, const std::string& port, int type,
                     int flags) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = type;
    hints.ai_flags = flags;
    addrinfo* found = nullptr;
    const int status = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
    std::vector<SocketAddress> addresses;
    for (addrinfo* ai = status == 0 ? found : nullptr; ai; ai = ai->ai_next) {
        SocketAddress address;
        std::memcpy(&address.storage, ai->ai_addr, ai->ai_addrlen);
        address.length = ai->ai_addrlen;
        addresses.push_back(address);
    }
    if (found) ::freeaddrinfo(found);
    std::lock_guard lock(lookup.mutex);
    lookup.status = status;
    lookup.addresses = std::move(addresses);
    lookup.done = true;
    lookup.done_cv.notify_all();
}

}  // namespace

std::vector<SocketAddress> resolve(const std::string& host, std::uint16_t port, int type,
                                   Deadline deadline) {
    const auto service = std::to_string(port);
    auto lookup = std::make_shared<Lookup>();
    // An address literal: answered at once, no thread.
    run_getaddrinfo(*lookup, host, service, type, AI_NUMERICHOST | AI_NUMERICSERV);
    if (lookup->status != 0) {
        lookup = std::make_shared<Lookup>();
        std::thread([lookup, host, service, type] {
            run_getaddrinfo(*lookup, host, service, type, AI_NUMERICSERV | AI_ADDRCONFIG);
        }).detach();
        std::unique_lock lock(lookup->mutex);
        if (!lookup->done_cv.wait_until(lock, deadline, [&] { return lookup->done; })) {
            throw NetError(NetFailure::timeout, host + ": no answer from DNS");
        }
    }
    if (lookup->status != 0 || lookup->addresses.empty()) {
        throw NetError(
            NetFailure::lookup,
            host + ": " + (lookup->status ? ::gai_strerror(lookup->status) : "no address"));
    }
    return lookup->addresses;
}

}  // namespace cusax::ctl::doctor
