#pragma once
// One line per event, as text for people or JSON lines for machines (spdlog underneath).
//
//   log::event(log::Level::info, "call_info.inserted", "Call-Info added",
//              {{"call_id", call_id}, {"aor", aor}, {"jid", jid}});
//
// Text:  2026-11-23T10:40:00.123Z info sip-proxy call_info.inserted call_id=abc aor=sip:a@b ...
// Call-Info added JSON:
// {"ts":"2026-11-23T10:40:00.123Z","level":"info","program":"sip-proxy","event":"call_info.inserted","call_id":"abc",...,"msg":"Call-Info
// added"}
//
// Keys used across both daemons so an operator can follow one user: call_id (SIP Call-ID),
// stanza_id (XMPP stanza id), peer (remote address or JID), aor, jid.
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace spdlog::sinks {
class sink;
}

namespace cusax::log {

enum class Level { trace, debug, info, warn, error, critical, off };
enum class Format { text, json };

struct Field {
    std::string_view key;
    std::string_view value;
};

struct LogSettings {
    std::string program = "cusax";  // "sip-proxy", "xmpp-component", "cusaxctl"
    Level level = Level::info;
    Format format = Format::text;
    std::string file;  // empty: stderr
};

std::optional<Level> level_from_string(std::string_view text);
std::optional<Format> format_from_string(std::string_view text);

// Replaces the process-wide logger. Throws std::runtime_error when the file cannot be opened.
void setup(const LogSettings& settings);
// Same, writing to the given sink (tests capture output this way).
void setup_with_sink(const LogSettings& settings, std::shared_ptr<spdlog::sinks::sink> sink);

// Changes the level and format of the logger in place (SIGHUP: shared/runtime/config_reload),
// safe while other threads write lines; the file and program stay as set up.
void reconfigure(Level level, Format format);

bool enabled(Level level);
void event(Level level, std::string_view event, std::string_view message,
           std::initializer_list<Field> fields = {});
void event(Level level, std::string_view event, std::string_view message,
           std::span<const Field> fields);
void flush();

// Defence in depth for secrets (component secret, TLS key passphrases, database passwords):
// callers never log them, and every registered value is also masked as "***" in every line.
void register_secret(std::string secret);

// Garbage from the network is logged below error and at most `burst` lines per `period_s`
// per category, so a peer cannot fill a disk; the number suppressed is reported on the
// next line that gets through.
class RateLimitedLog {
  public:
    RateLimitedLog(std::string category, int burst, int period_s);
    void event(Level level, std::string_view event, std::string_view message,
               std::initializer_list<Field> fields = {});

  private:
    std::string category_;
    int burst_;
    int period_s_;
    long window_start_ = 0;
    int used_ = 0;
    unsigned long suppressed_ = 0;
};

}  // namespace cusax::log
