#pragma once
// Shared helpers for the apache-config unit tests: find findings by code and line, and print all of
// them when an expectation fails so the failure explains itself.

#include "apache-config/engineconfig.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace wsgi::config::test {

inline std::string describe(const std::vector<Finding>& findings)
{
    std::string out;
    for (const Finding& f : findings)
        out += formatFinding(f) + "\n";
    return out.empty() ? "(no findings)\n" : out;
}

inline const Finding* findFinding(const std::vector<Finding>& findings, std::string_view code, int line = -1)
{
    auto it = std::find_if(findings.begin(), findings.end(), [&](const Finding& f) {
        return f.code == code && (line < 0 || f.where.line == line);
    });
    return it == findings.end() ? nullptr : &*it;
}

inline int countSeverity(const std::vector<Finding>& findings, Severity severity)
{
    return static_cast<int>(std::count_if(findings.begin(), findings.end(),
                                          [&](const Finding& f) { return f.severity == severity; }));
}

inline int countCode(const std::vector<Finding>& findings, std::string_view code)
{
    return static_cast<int>(
        std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.code == code; }));
}

inline bool contains(std::string_view haystack, std::string_view needle)
{
    return haystack.find(needle) != std::string_view::npos;
}

inline ParseResult parse(std::string_view text, const std::string& file = "/etc/wsgi/test.conf")
{
    return parseEngineConfig(text, file);
}

} // namespace wsgi::config::test

namespace wsgi::config::test {
// Stands in for a missing finding so that a failed expectation does not dereference null.
inline const Finding kMissingFinding{};
} // namespace wsgi::config::test

// Expects a finding with `code` on `line`, of `severity`, and returns it (an empty one if missing).
#define EXPECT_FINDING(result_, severity_, code_, line_)                                                     \
    [&]() -> const ::wsgi::config::Finding* {                                                                \
        const ::wsgi::config::Finding* f_ =                                                                  \
            ::wsgi::config::test::findFinding((result_).findings, code_, line_);                             \
        EXPECT_NE(f_, nullptr) << "no " << (code_) << " on line " << (line_) << "; findings:\n"              \
                               << ::wsgi::config::test::describe((result_).findings);                        \
        if (!f_)                                                                                             \
            return &::wsgi::config::test::kMissingFinding;                                                   \
        EXPECT_EQ(f_->severity, severity_) << ::wsgi::config::formatFinding(*f_);                            \
        return f_;                                                                                           \
    }()

#define EXPECT_CLEAN(result)                                                                                 \
    EXPECT_EQ(::wsgi::config::test::countSeverity((result).findings, ::wsgi::config::Severity::Error) +      \
                  ::wsgi::config::test::countSeverity((result).findings, ::wsgi::config::Severity::Warning), \
              0)                                                                                             \
        << ::wsgi::config::test::describe((result).findings)
