#include "sip-proxy/udp_drops.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "sip-proxy/socket_buffers.hpp"

namespace cusax::sip_proxy {
namespace {

// Columns of /proc/net/udp (net/ipv4/udp.c, udp4_format_sock): sl, local_address,
// rem_address, st, tx_queue:rx_queue, tr:tm->when, retrnsmt, uid, timeout, inode, ref,
// pointer, drops.
constexpr std::size_t kInodeColumn = 9;
constexpr std::size_t kDropsColumn = 12;

bool read_number(std::string_view text, std::uint64_t& out) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc{} && end == text.data() + text.size();
}

std::string file_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

}  // namespace

const metrics::MetricDoc& udp_drops_doc() {
    static const metrics::MetricDoc doc{
        .type = metrics::MetricType::counter,
        .help =
            "Datagrams the kernel dropped at the proxy's UDP sockets, nearly always for a "
            "full receive buffer ([sip-proxy] udp_receive_buffer, net.core.rmem_max); read "
            "from /proc/net/udp.",
        .label = "socket",
        .name = "cusax_udp_receive_drops_total"};
    return doc;
}

std::vector<WatchedSocket> udp_sockets_to_watch(nta_agent_t* agent) {
    std::vector<WatchedSocket> out;
    for (const auto& socket : udp_socket_buffers(agent))
        if (socket.inode) out.push_back({socket.address, socket.inode});
    return out;
}

std::map<std::uint64_t, std::uint64_t> parse_udp_drops(std::string_view table) {
    std::map<std::uint64_t, std::uint64_t> out;
    while (!table.empty()) {
        const auto end = table.find('\n');
        std::string_view line = table.substr(0, end);
        table = end == std::string_view::npos ? std::string_view() : table.substr(end + 1);
        std::vector<std::string_view> columns;
        while (!line.empty()) {
            const auto start = line.find_first_not_of(' ');
            if (start == std::string_view::npos) break;
            line.remove_prefix(start);
            const auto stop = line.find(' ');
            columns.push_back(line.substr(0, stop));
            line = stop == std::string_view::npos ? std::string_view() : line.substr(stop);
        }
        std::uint64_t inode = 0, drops = 0;
        if (columns.size() > kDropsColumn && read_number(columns[kInodeColumn], inode) &&
            read_number(columns[kDropsColumn], drops))
            out[inode] = drops;
    }
    return out;
}

metrics::Family udp_drop_family(const std::vector<WatchedSocket>& sockets,
                                const std::string& proc_net) {
    auto drops = parse_udp_drops(file_text(proc_net + "/udp"));
    drops.merge(parse_udp_drops(file_text(proc_net + "/udp6")));
    auto family = metrics::family_of(udp_drops_doc());
    for (const auto& socket : sockets) {
        const auto it = drops.find(socket.inode);
        if (it == drops.end()) continue;
        family.samples.push_back({"",
                                  {{std::string(udp_drops_doc().label), socket.address}},
                                  metrics::format_value(it->second)});
    }
    return family;
}

}  // namespace cusax::sip_proxy
