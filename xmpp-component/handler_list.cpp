#include "xmpp-component/handler_list.hpp"

namespace cusax::xmpp {

std::vector<FeatureHandler*> handler_list(FeatureHandler* vcard4_sync, FeatureHandler* delegation,
                                          DirectoryFeatures& directory) {
    std::vector<FeatureHandler*> list{
        vcard4_sync,            // XEP-0356 grant, answers to its own privileged iqs
        delegation,             // XEP-0355 advertisement, delegated vcard-temp
        &directory.disco,       // XEP-0030
        &directory.search,      // XEP-0055
        &directory.ping,        // XEP-0199
        &directory.vcard_temp,  // XEP-0054, XEP-0292's vcard iq
        &directory.reach,       // PEP nodes (XEP-0292, XEP-0152), presence
    };
    std::erase(list, nullptr);
    return list;
}

}  // namespace cusax::xmpp
