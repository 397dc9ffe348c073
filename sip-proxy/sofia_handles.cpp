#include "sip-proxy/sofia_handles.hpp"

#include <sofia-sip/sip.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su.h>

#include <stdexcept>

namespace cusax::sip_proxy {

SofiaLibrary::SofiaLibrary() {
    if (su_init() != 0) throw std::runtime_error("su_init failed");
}
SofiaLibrary::~SofiaLibrary() { su_deinit(); }

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
    // sip_extend_mclass(NULL) returns the library's one extended class; it is not freed.
    static msg_mclass_t const* mclass = sip_extend_mclass(nullptr);
    return mclass;
}

MsgRef parse_sip_message(const char* text, std::size_t length) {
    MsgRef msg(msg_make(extended_mclass(), 0, text, static_cast<isize_t>(length)));
    if (!msg || !sip_object(msg.get())) return nullptr;
    return msg;
}

}  // namespace cusax::sip_proxy
