#pragma once
// Lexer and parser for Apache config text: a tree of directives and <Section args> containers that
// keeps every byte of the input (comments, blank lines, continuations, line endings), so that a later
// exporter can edit nodes and write the rest back byte for byte.
//
// Lines are read the way httpd 2.4 reads them (ap_cfg_getline): a backslash right before the line end
// joins the next physical line (the backslash is removed, no space is added), leading and trailing
// whitespace of the joined line is dropped, a line starting with '#' is a comment (there are no
// trailing comments in Apache: "Foo bar # x" passes "#" and "x" as arguments). Because the joining
// happens before the comment check, a comment ending in a backslash swallows the next line (httpd
// 2.4's getstr path continues on any "\\" before the line end, comment or not); that is reported as a
// Warning when the swallowed line would otherwise have been read as a directive, since that is almost
// never intended. A comment continued onto another comment or a blank line loses nothing: no Warning.

#include "engineconfig.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wsgi::config {

enum class NodeKind
{
    Directive, // Name args...
    Section,   // <Name args> children </Name>
    Comment,   // # ...
    Blank,     // whitespace only
    Invalid,   // a line kept only so the text round-trips, e.g. a stray </Name> (an Error finding says why)
};

struct ConfigNode
{
    NodeKind kind = NodeKind::Directive;
    std::string name; // as written, without '<', '>' or '/' (Apache matches it case-insensitively)
    std::vector<std::string> args; // split with ap_getword_conf rules
    // The argument text as Apache hands it to RAW_ARGS handlers (WSGIDaemonProcess, WSGIScriptAlias):
    // continuations joined, leading whitespace skipped; for a section, without the closing '>'.
    std::string rawArgs;
    SourceLocation where; // first physical line
    int lastLine = 0;     // last physical line of the (opening) directive, > where.line with continuations

    // Raw bytes of this node's own line(s), line endings included. For a section these are the opening
    // line(s); the closing line is in closeText. Concatenating text, children, closeText over the tree
    // gives back the input exactly (DirectiveTree::reconstruct).
    std::string text;
    std::size_t offset = 0; // byte offset of `text` in the input

    std::vector<ConfigNode> children; // sections only
    std::string closeText;            // sections: raw "</Name>" line(s); empty if never closed
    SourceLocation closeWhere;        // sections: line of the closing tag, 0 if never closed

    // Physical line on which the rawArgs character at `rawArgsOffset` was written, so that an error about
    // an option on a continuation line names that line rather than the first one.
    int lineOfArgument(std::size_t rawArgsOffset) const;

    bool isDirective() const { return kind == NodeKind::Directive; }
    bool isSection() const { return kind == NodeKind::Section; }

    // Where each physical line starts inside rawArgs: (offset, line), ascending. Filled by the parser.
    std::vector<std::pair<std::size_t, int>> rawArgsLines;
};

struct DirectiveTree
{
    std::string fileName;
    std::vector<ConfigNode> nodes;
    std::vector<Finding> findings; // syntax errors (unclosed / mismatched sections) and lexical warnings

    bool ok() const;                 // no Error finding
    std::string reconstruct() const; // the input text, byte for byte
};

DirectiveTree parseDirectiveTree(std::string_view text, const std::string& fileName);

// Drops the findings that are only consequences of a syntax error in `tree`: a section that was never
// closed (or was closed only by the parser's recovery) makes every later line look nested inside it, so
// E-CONTEXT findings in `tree`'s file on the lines after such a section's opening line are left out,
// with one Note per section saying that its contents are checked once it is closed.
void dropFollowOnFindings(const DirectiveTree& tree, std::vector<Finding>& findings);

} // namespace wsgi::config
