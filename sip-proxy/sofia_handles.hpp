#pragma once
// Owning wrappers for the Sofia-SIP objects the proxy holds: su library init, su_home_t,
// su_root_t, nta_agent_t and msg_t. Every other file borrows raw pointers from these.
#include <sofia-sip/msg.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/su_wait.h>

#include <memory>

namespace cusax::sip_proxy {

// su_init()/su_deinit() for the lifetime of the object (the library's sockets and clocks).
class SofiaLibrary {
  public:
    SofiaLibrary();
    ~SofiaLibrary();
    SofiaLibrary(const SofiaLibrary&) = delete;
    SofiaLibrary& operator=(const SofiaLibrary&) = delete;
};

class SuHome {
  public:
    SuHome();
    ~SuHome();
    SuHome(const SuHome&) = delete;
    SuHome& operator=(const SuHome&) = delete;
    su_home_t* get() { return home_; }

  private:
    su_home_t* home_;
};

struct RootDeleter {
    void operator()(su_root_t* root) const;
};
using SuRoot = std::unique_ptr<su_root_t, RootDeleter>;
SuRoot make_root();  // throws std::runtime_error

struct AgentDeleter {
    void operator()(nta_agent_t* agent) const;
};
using NtaAgent = std::unique_ptr<nta_agent_t, AgentDeleter>;

// A message reference: msg_destroy() drops one reference.
struct MsgDeleter {
    void operator()(msg_t* msg) const;
};
using MsgRef = std::unique_ptr<msg_t, MsgDeleter>;

// Parses a complete SIP message from wire text with the extended header classes
// (P-Asserted-Identity, Privacy, ...), the same classes the agent uses. Null when Sofia
// cannot make a message of it at all; parse errors of single headers stay in sip_error.
MsgRef parse_sip_message(const char* text, std::size_t length);

// The extended message class the agent is created with (sip_extend_mclass(NULL)), so that
// P-Asserted-Identity is parsed (it is not with the default class:
// docs/sip-proxy-internals.md), and with every
// RFC 3261 token accepted as a method in the request line and CSeq (lenient_method.hpp).
msg_mclass_t const* extended_mclass();

}  // namespace cusax::sip_proxy
