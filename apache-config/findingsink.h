#pragma once
// Small helper for the parser internals: collects findings for one file so that the call sites read as
// "what is wrong and how to fix it" rather than as struct initialisation.

#include "engineconfig.h"

#include <string>
#include <utility>
#include <vector>

namespace wsgi::config {

class FindingSink
{
public:
    FindingSink(std::vector<Finding>& out, std::string file) : m_out(out), m_file(std::move(file)) {}

    void error(std::string code, int line, std::string message, std::string suggestion = {})
    {
        add(Severity::Error, std::move(code), line, std::move(message), std::move(suggestion));
    }
    void warning(std::string code, int line, std::string message, std::string suggestion = {})
    {
        add(Severity::Warning, std::move(code), line, std::move(message), std::move(suggestion));
    }
    void note(std::string code, int line, std::string message, std::string suggestion = {})
    {
        add(Severity::Note, std::move(code), line, std::move(message), std::move(suggestion));
    }
    void add(Severity severity, std::string code, int line, std::string message, std::string suggestion)
    {
        m_out.push_back(
            {severity, std::move(code), {m_file, line}, std::move(message), std::move(suggestion)});
    }
    // For whole-configuration checks, whose items may come from different (included) files.
    void error(std::string code, const SourceLocation& where, std::string message,
               std::string suggestion = {})
    {
        m_out.push_back({Severity::Error, std::move(code), where, std::move(message), std::move(suggestion)});
    }
    void warning(std::string code, const SourceLocation& where, std::string message,
                 std::string suggestion = {})
    {
        m_out.push_back(
            {Severity::Warning, std::move(code), where, std::move(message), std::move(suggestion)});
    }
    void note(std::string code, const SourceLocation& where, std::string message, std::string suggestion = {})
    {
        m_out.push_back({Severity::Note, std::move(code), where, std::move(message), std::move(suggestion)});
    }

    const std::string& file() const { return m_file; }
    std::size_t errorCount() const
    {
        std::size_t n = 0;
        for (const Finding& f : m_out)
            n += f.severity == Severity::Error ? 1 : 0;
        return n;
    }
    SourceLocation at(int line) const { return {m_file, line}; }

private:
    std::vector<Finding>& m_out;
    std::string m_file;
};

// Stable finding codes of our own (mod_wsgi's own warnings keep their WSGI#### ids).
namespace codes {
inline constexpr const char* Syntax = "E-SYNTAX";
inline constexpr const char* Io = "E-IO";
inline constexpr const char* UnsupportedDirective = "E-UNSUPPORTED-DIRECTIVE";
inline constexpr const char* Context = "E-CONTEXT";
inline constexpr const char* Arguments = "E-ARGUMENTS";
inline constexpr const char* BadValue = "E-BAD-VALUE";
inline constexpr const char* UnknownOption = "E-UNKNOWN-OPTION";
inline constexpr const char* UnsupportedOption = "E-UNSUPPORTED-OPTION";
inline constexpr const char* UnsupportedValue = "E-UNSUPPORTED-VALUE";
inline constexpr const char* DuplicateGroup = "E-DUPLICATE-GROUP";
inline constexpr const char* DuplicateMount = "E-DUPLICATE-MOUNT";
inline constexpr const char* DuplicateListen = "E-DUPLICATE-LISTEN";
inline constexpr const char* DuplicateSelector = "E-DUPLICATE-SELECTOR";
inline constexpr const char* UnknownGroup = "E-UNKNOWN-GROUP";
inline constexpr const char* GroupOrder = "E-GROUP-ORDER";
inline constexpr const char* GroupAccess = "E-GROUP-ACCESS";
inline constexpr const char* EmbeddedMode = "E-EMBEDDED-MODE";
inline constexpr const char* IgnoredDirective = "N-IGNORED-DIRECTIVE";
inline constexpr const char* IgnoredOption = "N-IGNORED-OPTION";
inline constexpr const char* IgnoredSection = "N-IGNORED-SECTION";
inline constexpr const char* EphemeralPort = "N-EPHEMERAL-PORT";
inline constexpr const char* CaveatOption = "W-IGNORED-OPTION";
inline constexpr const char* Truncated = "W-TRUNCATED";
inline constexpr const char* RepeatedOption = "W-REPEATED-OPTION";
inline constexpr const char* Repeated = "W-REPEATED-DIRECTIVE";
inline constexpr const char* OutOfRange = "W-OUT-OF-RANGE";
inline constexpr const char* SwitchIntervalOverlap = "W-SWITCH-INTERVAL-OVERLAP";
inline constexpr const char* EmbeddedOnly = "W-EMBEDDED-ONLY";
inline constexpr const char* ContainerNoMatch = "W-CONTAINER-NO-MATCH";
inline constexpr const char* QuotedSelector = "W-QUOTED-SELECTOR";
inline constexpr const char* LiteralSubstitution = "W-LITERAL-SUBSTITUTION";
inline constexpr const char* InvalidCommand = "E-INVALID-COMMAND";
inline constexpr const char* Include = "E-INCLUDE";
inline constexpr const char* IncludeCycle = "E-INCLUDE-CYCLE";
inline constexpr const char* ImportScript = "E-IMPORT-SCRIPT";
inline constexpr const char* MonitorOff = "W-REQUEST-TIMEOUT-INERT";
inline constexpr const char* LimitTooLow = "W-MEMORY-LIMIT-LOW";
inline constexpr const char* EmbeddedRestricted = "E-EMBEDDED-RESTRICTED";
inline constexpr const char* Embedded = "N-EMBEDDED-MODE";
inline constexpr const char* GlobalSelector = "W-GLOBAL-PROCESS-GROUP";
inline constexpr const char* UndefinedVariable = "N-UNDEFINED-VARIABLE";
inline constexpr const char* FollowOn = "N-FOLLOW-ON";
} // namespace codes

} // namespace wsgi::config
