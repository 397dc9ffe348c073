#include "sip-proxy/sofia_handles.hpp"

#include <sofia-sip/sip.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_log.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "shared/log/log.hpp"
#include "sip-proxy/lenient_method.hpp"

namespace cusax::sip_proxy {

namespace {

// Sofia's own diagnostics (tport errors, ICMP reports, ...) become debug lines of our log
// instead of raw stderr text: they are per-packet noise, never errors of the proxy.
// Sofia writes a line in pieces, so pieces are joined up to the newline.
void sofia_logger(void*, char const* fmt, va_list ap) {
    thread_local std::string pending;
    char buffer[1024];
    int n = std::vsnprintf(buffer, sizeof buffer, fmt, ap);
    if (n <= 0) return;
    pending.append(buffer, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buffer - 1));
    std::size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
        std::string line = pending.substr(0, newline);
        pending.erase(0, newline + 1);
        if (!line.empty()) log::event(log::Level::debug, "sofia", line);
    }
}

}  // namespace

SofiaLibrary::SofiaLibrary() {
    if (su_init() != 0) throw std::runtime_error("su_init failed");
    su_log_redirect(nullptr, sofia_logger, nullptr);
}
SofiaLibrary::~SofiaLibrary() {
    su_log_redirect(nullptr, nullptr, nullptr);
    su_deinit();
}

SuHome::SuHome() : home_(static_cast<su_home_t*>(su_home_new(sizeof(su_home_t)))) {
    if (!home_) throw std::bad_alloc();
}
SuHome::~SuHome() { su_home_unref(home_); }

void RootDeleter::operator()(su_root_t* root) const { su_root_destroy(root); }

SuRoot make_root() {
    SuRoot root(su_root_create(nullptr));
    if (!root) throw std::runtime_error("su_root_create failed");
    return root;
}

void AgentDeleter::operator()(nta_agent_t* agent) const { nta_agent_destroy(agent); }

void MsgDeleter::operator()(msg_t* msg) const { msg_destroy(msg); }

msg_mclass_t const* extended_mclass() {
    // sip_extend_mclass(NULL) returns a new extended copy of the default class, ours to
    // change; it lives as long as the process and is not freed.
    static msg_mclass_t const* mclass = [] {
        msg_mclass_t* extended = sip_extend_mclass(nullptr);
        if (!extended || !install_lenient_method(extended))
            throw std::runtime_error("cannot make the SIP message class");
        return extended;
    }();
    return mclass;
}

MsgRef parse_sip_message(const char* text, std::size_t length) {
    MsgRef msg(msg_make(extended_mclass(), 0, text, static_cast<isize_t>(length)));
    if (!msg || !sip_object(msg.get())) return nullptr;
    return msg;
}

}  // namespace cusax::sip_proxy
