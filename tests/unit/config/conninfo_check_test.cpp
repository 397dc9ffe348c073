#include "shared/config/conninfo_check.hpp"

#include <gtest/gtest.h>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_loader.hpp"

namespace cusax::config {
namespace {

TEST(ConninfoCheck, FindsAPasswordInEitherSpelling) {
    EXPECT_TRUE(conninfo_has_password("host=db password=hunter2 dbname=cusax"));
    EXPECT_TRUE(conninfo_has_password("host=db password = 'a b\\' c'"));
    EXPECT_TRUE(conninfo_has_password("postgresql://cusax:hunter2@db:5432/cusax"));
    EXPECT_TRUE(conninfo_has_password("postgres://db/cusax?sslmode=require&password=hunter2"));
}

// Review rev19: libpq percent-decodes a URI's query keywords as well as their values, so
// "%70assword=" is a password to libpq (checked with psql against a real server). Failing
// before the fix: the INI check let it through and the daemons connected with it.
TEST(ConninfoCheck, FindsAPasswordWhoseUriKeywordIsPercentEncoded) {
    EXPECT_TRUE(conninfo_has_password("postgresql://cusax@db/cusax?%70assword=hunter2"));
    EXPECT_TRUE(
        conninfo_has_password("postgresql://cusax@db/cusax?sslmode=require&pa%73%73word=x"));
    EXPECT_TRUE(conninfo_has_password("postgres://db/cusax?%50ASSWORD=x"));
    EXPECT_FALSE(conninfo_has_password("postgresql://db/cusax?application_name=%70assword"));
}

TEST(ConninfoCheck, AcceptsWhatHoldsNoPassword) {
    EXPECT_FALSE(conninfo_has_password(""));
    EXPECT_FALSE(conninfo_has_password("service=cusax"));
    EXPECT_FALSE(conninfo_has_password("host=db dbname=cusax passfile=/etc/cusax/pgpass"));
    EXPECT_FALSE(conninfo_has_password("host=db application_name='password=x'"));
    EXPECT_FALSE(conninfo_has_password("postgresql://cusax@db:5432/cusax?sslmode=verify-full"));
    EXPECT_FALSE(conninfo_has_password("postgresql://db1:5432,db2:5432/cusax"));
}

// The INI file refuses it at the key's line, without repeating the value.
TEST(ConninfoCheck, APasswordInTheIniIsRefusedWithoutShowingIt) {
    try {
        load_config_string("[store]\nbackend = postgresql\nconninfo = host=db password=hunter2\n",
                           "t.ini", {"store"}, config_catalog::all_sections());
        FAIL() << "accepted";
    } catch (const ConfigError& e) {
        ASSERT_EQ(e.errors().size(), 1u);
        EXPECT_EQ(e.errors()[0].rfind("t.ini:3: [store] conninfo: holds a password", 0), 0u)
            << e.errors()[0];
        EXPECT_EQ(e.errors()[0].find("hunter2"), std::string::npos);
    }
    EXPECT_NO_THROW(load_config_string("[store]\nbackend = postgresql\nconninfo = service=cusax\n",
                                       "t.ini", {"store"}, config_catalog::all_sections()));
}

}  // namespace
}  // namespace cusax::config
