#pragma once
// The request target (RFC 9112 3.2) checked and normalised once, in the shared parser, so that both
// dispatch modes route on exactly what SCRIPT_NAME + PATH_INFO will say, as Apache does: percent-escapes
// decoded once, dot-segments removed (RFC 3986 5.2.4), a path that climbs above the root refused.

#include <string>
#include <string_view>

namespace wsgi::hosting {

struct RequestTarget
{
    // Decoded and normalised: what SCRIPT_NAME + PATH_INFO say, and what routing matches ("*" for
    // "OPTIONS *").
    std::string path;
    // The origin-form the worker sees: the normalised path with every escape it still needs (an escape
    // of an unreserved character is decoded, as RFC 3986 6.2.2.2 allows), then "?query" as sent.
    // Decoding its path once gives `path` exactly.
    std::string origin;
    // host[:port] of an absolute-form target ("http://host/x"), which replaces the Host header
    // (RFC 9112 3.2.2); empty for the other forms.
    std::string authority;
    int errorStatus = 0; // when parsing fails: 400 (malformed), or 404 (an encoded '/' or NUL, as
                         // Apache's default AllowEncodedSlashes Off answers)
    std::string errorText;
};

// Checks `raw` for `method` and fills `out`; false with errorStatus and errorText set when it is refused.
bool parseRequestTarget(std::string_view method, std::string_view raw, RequestTarget& out);

// True when `host` is a valid Host header value or authority: host [":" port], host an IP literal
// in brackets or a reg-name (RFC 3986 3.2.2), no userinfo. Empty is valid (RFC 9112 3.2).
bool isValidAuthority(std::string_view host);

// The `path` of a target parseRequestTarget accepted (RequestHead::target, as the client sent it, which
// REQUEST_URI keeps): what the worker's PATH_INFO is cut from, and what a request queued across a
// reload is routed by again. A view into `target` when nothing needs decoding or removing, else into
// `storage`.
std::string_view requestPath(std::string_view target, std::string& storage);
// The same as a string, for a request routed again (after a reload, or when it waited in a queue).
std::string originPath(std::string_view target);

// Every %XX escape decoded; false when an escape is malformed.
bool percentDecode(std::string_view in, std::string& out);

} // namespace wsgi::hosting
