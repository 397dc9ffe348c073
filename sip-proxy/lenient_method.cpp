#include "sip-proxy/lenient_method.hpp"

#include <sofia-sip/msg_parser.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_parser.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include <cstring>

namespace cusax::sip_proxy {

namespace {

bool is_token_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && std::strchr("-.!%*_+`'~", c) != nullptr);
}

bool is_lws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Runs Sofia's decoder `sofia` on the text. Sofia writes NULs into the text while it parses,
// so when it fails the text is put back as received and `ours` decodes it instead. The
// backup is freed again at once: a message keeps nothing of it.
issize_t sofia_first(msg_parse_f* sofia, issize_t (*ours)(msg_header_t*, char*), su_home_t* home,
                     msg_header_t* h, char* s, isize_t slen) {
    char* received = static_cast<char*>(su_alloc(home, static_cast<isize_t>(slen) + 1));
    if (!received) return sofia(home, h, s, slen);
    std::memcpy(received, s, static_cast<std::size_t>(slen));
    issize_t result = sofia(home, h, s, slen);
    if (result < 0) {
        std::memcpy(s, received, static_cast<std::size_t>(slen));
        result = ours(h, s);
    }
    su_free(home, received);
    return result;
}

// "Method SP Request-URI SP SIP-Version" with a method Sofia refused: the same steps as
// sip_request_d, with the RFC 3261 token rule for the method.
issize_t decode_request_line(msg_header_t* h, char* s) {
    auto* rq = reinterpret_cast<sip_request_t*>(h);
    char* uri = nullptr;
    char* version = nullptr;
    if (msg_firstline_d(s, &uri, &version) < 0 || !uri || !version) return -1;
    if (!is_rfc3261_token(s)) return -1;  // msg_firstline_d ended the method with a NUL
    std::memset(rq->rq_url, 0, sizeof rq->rq_url);
    if (url_d(rq->rq_url, uri) < 0) return -1;
    if (sip_version_d(&version, &rq->rq_version) < 0 || *version) return -1;
    rq->rq_method = sip_method_unknown;
    rq->rq_method_name = s;
    return 0;
}

// "CSeq: 1*DIGIT LWS Method" with a method Sofia refused.
issize_t decode_cseq(msg_header_t* h, char* s) {
    auto* cs = reinterpret_cast<sip_cseq_t*>(h);
    uint32_t seq = 0;
    if (msg_uint32_d(&s, &seq) < 0) return -1;
    char* name = s;
    std::size_t n = 0;
    while (is_token_char(name[n])) ++n;
    if (n == 0) return -1;
    if (name[n] != '\0') {
        if (!is_lws(name[n])) return -1;
        name[n] = '\0';
        for (s = name + n + 1; is_lws(*s); ++s) {
        }
        if (*s) return -1;  // nothing may follow the method
    }
    cs->cs_seq = seq;
    cs->cs_method = sip_method_unknown;
    cs->cs_method_name = name;
    return 0;
}

issize_t lenient_request_d(su_home_t* home, msg_header_t* h, char* s, isize_t slen) {
    return sofia_first(sip_request_d, decode_request_line, home, h, s, slen);
}

issize_t lenient_cseq_d(su_home_t* home, msg_header_t* h, char* s, isize_t slen) {
    return sofia_first(sip_cseq_d, decode_cseq, home, h, s, slen);
}

// Sofia's class with only the decoder replaced: printing, copying and the header's place in
// sip_t stay Sofia's.
struct msg_hclass_s with_decoder(msg_hclass_t* sofia, msg_parse_f* decoder) {
    struct msg_hclass_s copy = *sofia;
    copy.hc_parse = decoder;
    return copy;
}

}  // namespace

bool is_rfc3261_token(char const* name) {
    if (!name || !*name) return false;
    for (; *name; ++name)
        if (!is_token_char(*name)) return false;
    return true;
}

msg_hclass_t* lenient_request_class() {
    static const struct msg_hclass_s hclass = with_decoder(sip_request_class, lenient_request_d);
    return &hclass;
}

msg_hclass_t* lenient_cseq_class() {
    static const struct msg_hclass_s hclass = with_decoder(sip_cseq_class, lenient_cseq_d);
    return &hclass;
}

bool install_lenient_method(msg_mclass_t* mclass) {
    if (!mclass) return false;

    // The request line has no name: the class is found through mc_request, and a request
    // line of Sofia's own class is placed by its (equal) hc_hash.
    if (mclass->mc_request[0].hr_class == sip_request_class)
        mclass->mc_request[0].hr_class = lenient_request_class();
    else if (mclass->mc_request[0].hr_class != lenient_request_class())
        return false;

    // CSeq: the parser takes the first class of that name in the hash table, so ours goes
    // into the slot of Sofia's. Sofia's class is then added again behind it (same offset in
    // sip_t): inserting a header of that class (sip_cseq_create, SIPTAG_CSEQ) looks the class
    // up by identity (msg_hclass_offset) and must still find its place.
    for (int i = 0; i < mclass->mc_hash_size; ++i)
        if (mclass->mc_hash[i].hr_class == lenient_cseq_class()) return true;  // done before
    for (int i = 0; i < mclass->mc_hash_size; ++i) {
        if (mclass->mc_hash[i].hr_class != sip_cseq_class) continue;
        msg_href_t sofia = mclass->mc_hash[i];
        mclass->mc_hash[i].hr_class = lenient_cseq_class();
        if (msg_mclass_insert(mclass, &sofia) < 0) {
            mclass->mc_hash[i] = sofia;
            return false;
        }
        return true;
    }
    return false;
}

}  // namespace cusax::sip_proxy
