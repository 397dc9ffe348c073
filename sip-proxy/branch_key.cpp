#include "sip-proxy/branch_key.hpp"

#include <sofia-sip/sip_header.h>

#include <cctype>
#include <cstdint>
#include <cstdio>

#include "shared/text/ascii_case.hpp"
#include "sip-proxy/request_facts.hpp"

namespace cusax::sip_proxy {

namespace {

// FNV-1a, 64 bit: deterministic across processes and restarts (std::hash need not be).
class Hasher {
  public:
    void add(std::string_view text) {
        for (unsigned char c : text) mix(c);
        mix(0);  // field separator, so ("ab","c") != ("a","bc")
    }
    void add_lower(std::string_view text) {
        for (char c : text) mix(static_cast<unsigned char>(cusax::text::ascii_lower(c)));
        mix(0);
    }
    void add(const char* text) { add(std::string_view(text ? text : "")); }
    void add_number(unsigned long n) { add(std::to_string(n)); }
    std::string hex() const {
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(state_));
        return buf;
    }

  private:
    void mix(unsigned char c) {
        state_ ^= c;
        state_ *= 0x100000001b3ULL;
    }
    std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

bool has_magic_cookie(const char* branch) {
    return branch && std::string_view(branch).substr(0, 7) == "z9hG4bK";
}

std::string loop_part(sip_t const* sip) {
    Hasher h;
    h.add(url_text(sip->sip_request->rq_url));
    if (sip->sip_from) {
        h.add(url_text(sip->sip_from->a_url));
        h.add(sip->sip_from->a_tag);
    }
    if (sip->sip_to) h.add(url_text(sip->sip_to->a_url));  // not the To tag: ACK adds one
    if (sip->sip_call_id) h.add(sip->sip_call_id->i_id);
    if (sip->sip_cseq) h.add_number(sip->sip_cseq->cs_seq);
    for (auto const* r = sip->sip_route; r; r = r->r_next) h.add(url_text(r->r_url));
    for (auto const* list = sip->sip_proxy_require; list; list = list->k_next)
        for (auto const* item = list->k_items; item && *item; ++item) h.add(*item);
    return h.hex();
}

}  // namespace

std::string BranchKey::value() const {
    return std::string(kBranchPrefix) + transaction + "." + loop;
}

BranchKey compute_branch(sip_t const* sip) {
    BranchKey key;
    Hasher h;
    sip_via_t const* top = sip->sip_via;
    if (top && has_magic_cookie(top->v_branch)) {
        // RFC 3261 §17.2.3: branch and sent-by identify the client transaction; CANCEL and
        // the ACK to a non-2xx carry the INVITE's. Branch compared case-sensitively.
        h.add(top->v_branch);
        h.add_lower(top->v_host ? top->v_host : "");
        h.add(top->v_port);
    } else {
        // RFC 2543 peers: §16.11 falls back to the fields that identify the transaction.
        h.add(url_text(sip->sip_request->rq_url));
        if (sip->sip_from) h.add(sip->sip_from->a_tag);
        if (sip->sip_call_id) h.add(sip->sip_call_id->i_id);
        if (sip->sip_cseq) h.add_number(sip->sip_cseq->cs_seq);
        if (top) {
            h.add_lower(top->v_host ? top->v_host : "");
            h.add(top->v_port);
            h.add(top->v_branch);
        }
    }
    key.transaction = h.hex();
    key.loop = loop_part(sip);
    return key;
}

bool is_loop(sip_t const* sip, const std::vector<SentBy>& ours, const BranchKey& key) {
    for (sip_via_t const* v = sip->sip_via; v; v = v->v_next) {
        if (!is_own_via(ours, v)) continue;
        std::string_view branch(v->v_branch);
        // "<prefix><transaction>.<loop>[;...]": compare the loop part.
        std::string_view rest = branch.substr(kBranchPrefix.size());
        auto dot = rest.find('.');
        if (dot == std::string_view::npos) continue;
        std::string_view loop = rest.substr(dot + 1, key.loop.size());
        if (loop == key.loop) return true;
    }
    return false;
}

}  // namespace cusax::sip_proxy
