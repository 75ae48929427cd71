#include "directivetree.h"

#include "apachesyntax.h"

#include <algorithm>

namespace wsgi::config {

namespace {

struct PhysicalLine
{
    std::size_t start = 0;    // first byte
    std::size_t end = 0;      // one past the last byte, line ending included
    std::string_view content; // without "\n" / "\r\n"
    bool hasNewline = false;
};

std::vector<PhysicalLine> splitPhysicalLines(std::string_view text)
{
    std::vector<PhysicalLine> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t nl = text.find('\n', pos);
        PhysicalLine line;
        line.start = pos;
        if (nl == std::string_view::npos) {
            line.end = text.size();
            line.content = text.substr(pos);
        } else {
            line.end = nl + 1;
            line.hasNewline = true;
            std::size_t contentEnd = nl;
            if (contentEnd > pos && text[contentEnd - 1] == '\r')
                --contentEnd;
            line.content = text.substr(pos, contentEnd - pos);
        }
        lines.push_back(line);
        pos = line.end;
    }
    return lines;
}

// One line as ap_cfg_getline returns it: physical lines joined at "\\\n", then trimmed.
struct LogicalLine
{
    std::string text;
    std::size_t firstPhysical = 0; // index into the physical lines
    std::size_t lastPhysical = 0;
    std::vector<std::pair<std::size_t, int>> breaks; // (offset in text, 1-based physical line), ascending
};

LogicalLine readLogicalLine(const std::vector<PhysicalLine>& lines, std::size_t first)
{
    LogicalLine logical;
    logical.firstPhysical = first;
    std::string joined;
    std::size_t i = first;
    while (true) {
        const PhysicalLine& line = lines[i];
        logical.breaks.emplace_back(joined.size(), static_cast<int>(i) + 1);
        std::string_view content = line.content;
        // httpd 2.4 continues only when the backslash is followed by the line end (no trailing blanks),
        // and only when there was a line end at all.
        const bool continued = line.hasNewline && !content.empty() && content.back() == '\\';
        if (continued)
            content.remove_suffix(1);
        joined += content;
        if (!continued || i + 1 >= lines.size())
            break;
        ++i;
    }
    logical.lastPhysical = i;

    std::size_t lead = 0;
    while (lead < joined.size() && isConfigSpace(joined[lead]))
        ++lead;
    std::size_t tail = joined.size();
    while (tail > lead && isConfigSpace(joined[tail - 1]))
        --tail;
    logical.text = joined.substr(lead, tail - lead);
    for (auto& [offset, line] : logical.breaks)
        offset = offset > lead ? offset - lead : 0;
    return logical;
}

// The first physical line (1-based) after the first one of a continued comment that holds something
// other than another comment or blanks, 0 if there is none.
std::size_t swallowedLine(const std::vector<PhysicalLine>& lines, const LogicalLine& logical)
{
    for (std::size_t i = logical.firstPhysical + 1; i <= logical.lastPhysical; ++i) {
        std::string_view content = lines[i].content;
        if (i < logical.lastPhysical)
            content.remove_suffix(1); // its own continuation backslash
        while (!content.empty() && isConfigSpace(content.front()))
            content.remove_prefix(1);
        if (!content.empty() && content.front() != '#')
            return i + 1;
    }
    return 0;
}

class TreeBuilder
{
public:
    TreeBuilder(std::string_view text, const std::string& fileName)
        : m_text(text), m_lines(splitPhysicalLines(text))
    {
        m_tree.fileName = fileName;
    }

    DirectiveTree build()
    {
        std::size_t i = 0;
        while (i < m_lines.size()) {
            LogicalLine logical = readLogicalLine(m_lines, i);
            handle(logical);
            i = logical.lastPhysical + 1;
        }
        while (!m_open.empty()) {
            const ConfigNode& section = m_open.back();
            error(section.where.line,
                  "<" + section.name + "> opened on line " + std::to_string(section.where.line) +
                      " was not closed",
                  "add </" + section.name + "> after its last directive");
            closeInnermost();
        }
        return std::move(m_tree);
    }

private:
    void handle(const LogicalLine& logical)
    {
        ConfigNode node;
        node.where = {m_tree.fileName, static_cast<int>(logical.firstPhysical) + 1};
        node.lastLine = static_cast<int>(logical.lastPhysical) + 1;
        node.offset = m_lines[logical.firstPhysical].start;
        node.text = std::string(m_text.substr(node.offset, m_lines[logical.lastPhysical].end - node.offset));

        const std::string& line = logical.text;
        if (line.empty()) {
            node.kind = NodeKind::Blank;
            append(std::move(node));
            return;
        }
        if (line.front() == '#') {
            node.kind = NodeKind::Comment;
            // Only a swallowed line that would have been read as a directive matters: a continued comment
            // that runs into another comment (or a blank line) loses nothing.
            if (const std::size_t swallowed = swallowedDirectiveLine(logical); swallowed != 0)
                warning("W-COMMENT-CONTINUED", node.where.line,
                        "this comment ends with '\\', so Apache continues it onto line " +
                            std::to_string(swallowed) + ", which is commented out too",
                        "remove the trailing backslash, or start the next line with its own '#'");
            append(std::move(node));
            return;
        }
        warnAboutVariables(logical);
        if (line.size() >= 2 && line[0] == '<' && line[1] == '/') {
            handleClose(std::move(node), line);
            return;
        }

        std::size_t pos = 0;
        std::string word = getWordConf(line, pos);
        std::size_t argsStart = pos;
        if (line.front() == '<') {
            node.kind = NodeKind::Section;
            word.erase(0, 1);
            std::string_view rest = std::string_view(line).substr(argsStart);
            const bool nameClosed = !word.empty() && word.back() == '>';
            if (nameClosed) {
                word.pop_back();
                if (!rest.empty())
                    warning("W-SECTION-TRAILING", node.where.line,
                            "text after '>' of <" + word + "> is ignored by Apache: '" + std::string(rest) +
                                "'",
                            "remove it, or move it onto a line of its own");
                rest = {};
            } else {
                const std::size_t close = rest.rfind('>');
                if (close == std::string_view::npos) {
                    error(node.where.line, "<" + word + "> directive missing closing '>'",
                          "keep the closing '>' on the opening line: <" + word + " ...>");
                } else {
                    if (close + 1 < rest.size()) {
                        std::string_view after = rest.substr(close + 1);
                        while (!after.empty() && isConfigSpace(after.front()))
                            after.remove_prefix(1);
                        warning("W-SECTION-TRAILING", node.where.line,
                                "text after '>' of <" + word + "> is ignored by Apache: '" +
                                    std::string(after) + "'",
                                "remove it, or move it onto a line of its own");
                    }
                    rest = rest.substr(0, close);
                }
                while (!rest.empty() && isConfigSpace(rest.back()))
                    rest.remove_suffix(1);
            }
            node.name = word;
            node.rawArgs = std::string(rest);
        } else {
            node.kind = NodeKind::Directive;
            node.name = word;
            node.rawArgs = line.substr(argsStart);
        }
        node.args = splitWordsConf(node.rawArgs);
        for (const auto& [offset, physical] : logical.breaks) {
            if (offset <= argsStart) {
                if (node.rawArgsLines.empty())
                    node.rawArgsLines.emplace_back(0, physical);
                else
                    node.rawArgsLines.back().second = physical;
            } else {
                node.rawArgsLines.emplace_back(offset - argsStart, physical);
            }
        }

        if (node.kind == NodeKind::Section)
            m_open.push_back(std::move(node));
        else
            append(std::move(node));
    }

    std::size_t swallowedDirectiveLine(const LogicalLine& logical) const
    {
        return swallowedLine(m_lines, logical);
    }

    void handleClose(ConfigNode node, const std::string& line)
    {
        // Apache only recognises the closing tag written exactly as "</Name>" on its own line.
        std::string name;
        const bool wellFormed = line.back() == '>' && line.find_first_of(" \t", 2) == std::string::npos;
        if (wellFormed)
            name = line.substr(2, line.size() - 3);
        else {
            std::size_t end = 2;
            while (end < line.size() && line[end] != '>' && !isConfigSpace(line[end]))
                ++end;
            name = line.substr(2, end - 2);
            error(node.where.line, "malformed closing tag '" + line + "'",
                  "write the closing tag as </" + name + "> on a line of its own");
        }

        auto match = std::find_if(m_open.rbegin(), m_open.rend(),
                                  [&](const ConfigNode& open) { return equalsIgnoreCase(open.name, name); });
        if (match == m_open.rend()) {
            if (wellFormed)
                error(node.where.line, "</" + name + "> without matching <" + name + "> section",
                      m_open.empty() ? "remove it, or add the opening <" + name + " ...> above"
                                     : "the innermost open section is <" + m_open.back().name +
                                           "> from line " + std::to_string(m_open.back().where.line));
            node.kind = NodeKind::Invalid;
            node.name = name;
            append(std::move(node));
            return;
        }
        // Recover by closing the sections opened inside the matching one, so that one mistake gives one
        // error instead of a cascade.
        while (!equalsIgnoreCase(m_open.back().name, name)) {
            const ConfigNode& inner = m_open.back();
            error(node.where.line,
                  "expected </" + inner.name + "> (for <" + inner.name + "> on line " +
                      std::to_string(inner.where.line) + ") but saw </" + name + ">",
                  "close <" + inner.name + "> before </" + name + ">");
            closeInnermost();
        }
        m_open.back().closeText = node.text;
        m_open.back().closeWhere = node.where;
        closeInnermost();
    }

    void closeInnermost()
    {
        ConfigNode section = std::move(m_open.back());
        m_open.pop_back();
        append(std::move(section));
    }

    void append(ConfigNode node)
    {
        if (m_open.empty())
            m_tree.nodes.push_back(std::move(node));
        else
            m_open.back().children.push_back(std::move(node));
    }

    // Apache substitutes ${NAME} (Define or environment) before it splits a line. The engine cannot know
    // httpd's environment, so it reads the text literally; say so instead of failing obscurely later.
    void warnAboutVariables(const LogicalLine& logical)
    {
        const std::string& line = logical.text;
        std::size_t pos = 0;
        while ((pos = line.find("${", pos)) != std::string::npos) {
            const std::size_t close = line.find('}', pos);
            if (close == std::string::npos)
                return;
            int physical = logical.breaks.front().second;
            for (const auto& [offset, lineNo] : logical.breaks)
                if (offset <= pos)
                    physical = lineNo;
            warning("W-ENV-SUBST", physical,
                    "Apache replaces '" + line.substr(pos, close - pos + 1) +
                        "' with a Define or environment variable; the engine reads it literally",
                    "write the value itself");
            pos = close + 1;
        }
    }

    void error(int line, std::string message, std::string suggestion)
    {
        m_tree.findings.push_back({Severity::Error,
                                   "E-SYNTAX",
                                   {m_tree.fileName, line},
                                   std::move(message),
                                   std::move(suggestion)});
    }

    void warning(const char* code, int line, std::string message, std::string suggestion)
    {
        m_tree.findings.push_back(
            {Severity::Warning, code, {m_tree.fileName, line}, std::move(message), std::move(suggestion)});
    }

    std::string_view m_text;
    std::vector<PhysicalLine> m_lines;
    DirectiveTree m_tree;
    std::vector<ConfigNode> m_open; // sections not closed yet, outermost first
};

void appendText(const ConfigNode& node, std::string& out)
{
    out += node.text;
    for (const ConfigNode& child : node.children)
        appendText(child, out);
    out += node.closeText;
}

} // namespace

int ConfigNode::lineOfArgument(std::size_t rawArgsOffset) const
{
    int line = where.line;
    for (const auto& [start, physical] : rawArgsLines) {
        if (start > rawArgsOffset)
            break;
        line = physical;
    }
    return line;
}

bool DirectiveTree::ok() const
{
    return std::none_of(findings.begin(), findings.end(),
                        [](const Finding& f) { return f.severity == Severity::Error; });
}

std::string DirectiveTree::reconstruct() const
{
    std::string out;
    for (const ConfigNode& node : nodes)
        appendText(node, out);
    return out;
}

DirectiveTree parseDirectiveTree(std::string_view text, const std::string& fileName)
{
    return TreeBuilder(text, fileName).build();
}

namespace {

int lastLineOf(const ConfigNode& node)
{
    int last = std::max(node.lastLine, node.closeWhere.line);
    for (const ConfigNode& child : node.children)
        last = std::max(last, lastLineOf(child));
    return last;
}

struct UnclosedSection
{
    std::string name;
    int line = 0;
    int last = 0;
};

void collectUnclosed(const std::vector<ConfigNode>& nodes, std::vector<UnclosedSection>& out)
{
    for (const ConfigNode& node : nodes) {
        if (!node.isSection())
            continue;
        if (node.closeWhere.line == 0) {
            out.push_back({node.name, node.where.line, lastLineOf(node)});
            continue; // everything inside is covered already
        }
        collectUnclosed(node.children, out);
    }
}

} // namespace

void dropFollowOnFindings(const DirectiveTree& tree, std::vector<Finding>& findings)
{
    std::vector<UnclosedSection> unclosed;
    collectUnclosed(tree.nodes, unclosed);
    for (const UnclosedSection& section : unclosed) {
        const auto inside = [&](const Finding& f) {
            return f.code == "E-CONTEXT" && f.where.file == tree.fileName && f.where.line > section.line &&
                   f.where.line <= section.last;
        };
        const auto dropped = std::erase_if(findings, inside);
        if (dropped == 0)
            continue;
        findings.push_back({Severity::Note,
                            "N-FOLLOW-ON",
                            {tree.fileName, section.line},
                            std::to_string(dropped) + " context error(s) on the lines after <" +
                                section.name +
                                "> are not shown: with the section not closed they may only be consequences "
                                "of the syntax error",
                            "close <" + section.name + "> where it ends, then validate again"});
    }
}

} // namespace wsgi::config
