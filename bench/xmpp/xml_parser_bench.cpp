// The component's stream parser alone, on the stanzas a server routes to it, for counting
// instructions per stanza under callgrind (the figure is steady where a wall clock on a shared
// machine is not):
//   valgrind --tool=callgrind --callgrind-out-file=OUT cusax_xml_parser_bench ROUNDS
// Each round is the same four stanzas (a vcard-temp get, a delegated vcard-temp set, a chat
// message, a presence with entity capabilities), fed in the component's 16 KiB reads; the
// parsed stanzas are serialised back, as the component does with its answers. Run it for two
// round counts and divide the difference of the totals by the difference of the stanza counts:
// that leaves out start-up. Prints the number of stanzas parsed.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "shared/xml/xml_stream_parser.hpp"

namespace {

constexpr std::string_view kHeader =
    "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
    "xmlns='jabber:component:accept' id='bench-1' from='sip.example.com'><handshake/>";

constexpr std::string_view kRound =
    "<iq type='get' id='vc-91c2' from='juliet@xmpp.example.com/balcony' "
    "to='alice@sip.example.com' xml:lang='en'><vCard xmlns='vcard-temp'/></iq>"
    "<iq type='set' id='deleg-4411' from='xmpp.example.com' to='sip.example.com'>"
    "<delegation xmlns='urn:xmpp:delegation:2'><forwarded xmlns='urn:xmpp:forward:0'>"
    "<iq xmlns='jabber:client' type='set' id='vc-set-8' from='bob@xmpp.example.com/pda' "
    "to='bob@xmpp.example.com' xml:lang='en'><vCard xmlns='vcard-temp'><FN>Bob Example</FN>"
    "<N><FAMILY>Example</FAMILY><GIVEN>Bob</GIVEN></N><NICKNAME>bobby</NICKNAME>"
    "<TEL><VOICE/><WORK/><NUMBER>+49 30 1234567</NUMBER></TEL>"
    "<EMAIL><INTERNET/><USERID>bob@example.com</USERID></EMAIL></vCard></iq></forwarded>"
    "</delegation></iq>"
    "<message type='chat' id='m-7f3e' from='carol@xmpp.example.com/tab' "
    "to='alice@sip.example.com' xml:lang='en'><body>Are you there? The call dropped &amp; "
    "I will ring again in five minutes.</body><active "
    "xmlns='http://jabber.org/protocol/chatstates'/></message>"
    "<presence from='carol@xmpp.example.com/tab' to='alice@sip.example.com'><c "
    "xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://example.com/client' "
    "ver='K1Njy3HZBThlo4moOD5gBGhn0U0='/><priority>5</priority></presence>\n";

}  // namespace

int main(int argc, char** argv) {
    const long rounds = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 10000;
    std::string wire;
    for (long i = 0; i < rounds; ++i) wire += kRound;
    wire += "</stream:stream>";

    long stanzas = 0;
    std::size_t written = 0;
    std::string out;
    cusax::xmpp::XmlStreamParserLimits limits;
    limits.max_stanza_bytes = 1024 * 1024;
    cusax::xmpp::XmlStreamParser parser(limits, {.on_stream_open = {},
                                                 .on_stanza =
                                                     [&](cusax::xmpp::XmlElement&& stanza) {
                                                         ++stanzas;
                                                         out.clear();
                                                         stanza.serialize_to(out);
                                                         written += out.size();
                                                     },
                                                 .on_stream_close = {}});
    if (!parser.feed(kHeader)) return 1;
    constexpr std::size_t kRead = 16384;  // the component's read buffer
    for (std::size_t at = 0; at < wire.size(); at += kRead) {
        if (!parser.feed(std::string_view(wire).substr(at, kRead))) {
            std::fprintf(stderr, "parse error: %s\n", parser.error()->detail.c_str());
            return 1;
        }
    }
    std::printf("stanzas %ld (handshake included), bytes written %zu, expat bytes %zu\n", stanzas,
                written, parser.expat_allocated_bytes());
    return parser.closed() ? 0 : 1;
}
