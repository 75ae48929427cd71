#include "documentexport.h"

#include "apachesyntax.h"

#include <map>
#include <set>
#include <utility>

namespace wsgi::config {

namespace {

using NodeKey = std::pair<int, std::size_t>; // (file, offset)

NodeKey key(const Origin& o)
{
    return {o.file, o.offset};
}

std::string indentOf(const std::string& text)
{
    std::size_t n = 0;
    while (n < text.size() && (text[n] == ' ' || text[n] == '\t'))
        ++n;
    return text.substr(0, n);
}

// "# " before every line, keeping the line endings; a trailing backslash is dropped so that the comment
// does not swallow the line after it.
std::string commentOut(const std::string& text, const std::string& reason, const std::string& indent)
{
    std::string out = indent + "# Not in this target: " + reason + "\n";
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t nl = text.find('\n', start);
        std::size_t end = nl == std::string::npos ? text.size() : nl;
        std::string line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        while (!line.empty() && line.back() == '\\')
            line.pop_back();
        out += indent + "# " + line.substr(indentOf(line).size()) + "\n";
        start = end + 1;
    }
    return out;
}

class Exporter
{
public:
    Exporter(const ImportedConfig& imported, const RenderOptions& options)
        : m_in(imported), m_options(options)
    {
        for (int i = 0; i < int(imported.files.size()); ++i)
            collectNodes(i, imported.files[std::size_t(i)].tree.nodes);
    }

    DocumentExport run(const WsgiModel& edited)
    {
        collectKeys(edited);
        LoweredModel lowered = lowerForTarget(edited, m_options);
        for (const DroppedItem& d : lowered.dropped)
            if (d.wholeNode && d.origin.imported())
                m_dropped[key(d.origin)] = d.reason;
        const WsgiModel& out = lowered.model;
        const WsgiModel& before = m_in.model;

        scope(before.server, out.server, nullptr);
        for (std::size_t i = 0; i < out.virtualHosts.size(); ++i) {
            const VirtualHostBlock& host = out.virtualHosts[i];
            const VirtualHostBlock* old =
                host.origin.imported() ? findByOrigin(before.virtualHosts, host.origin) : nullptr;
            if (!old) {
                m_mainTail += renderHost(host);
                continue;
            }
            scope(old->scope, host.scope, old);
        }
        for (const VirtualHostBlock& old : before.virtualHosts)
            if (!findByOrigin(out.virtualHosts, old.origin))
                removeOrDrop(old.origin);
        m_mainTail += items(before.containers, out.containers,
                            [&](const InterpreterOptionsBlock& b, const std::string& indent) {
                                return renderContainer(b, m_options, indent);
                            });
        mpm(before, out);

        DocumentExport result;
        for (int i = 0; i < int(m_in.files.size()); ++i) {
            const SourceFile& file = m_in.files[std::size_t(i)];
            std::string text;
            emit(i, file.tree.nodes, text);
            if (i == 0 && !m_mainTail.empty())
                text += (text.empty() || text.back() == '\n' ? "" : "\n") + m_mainTail;
            result.changed.push_back(text != file.tree.reconstruct());
            result.configFiles.push_back({file.path, std::move(text)});
        }
        result.scripts = std::move(lowered.files);
        result.findings = std::move(lowered.findings);
        return result;
    }

private:
    void collectNodes(int file, const std::vector<ConfigNode>& nodes)
    {
        for (const ConfigNode& n : nodes) {
            m_nodes[{file, n.offset}] = &n;
            collectNodes(file, n.children);
        }
    }

    template <typename T> static const T* findByOrigin(const std::vector<T>& list, const Origin& origin)
    {
        for (const T& item : list)
            if (item.origin.imported() && item.origin.sameNode(origin))
                return &item;
        return nullptr;
    }

    std::string indentAt(const Origin& origin) const
    {
        auto it = m_nodes.find(key(origin));
        return it == m_nodes.end() ? std::string() : indentOf(it->second->text);
    }

    // Every imported item the edited model still has: one of them missing after lowering was not
    // removed by the user.
    void collectKeys(const WsgiModel& m)
    {
        auto add = [&](const auto& list) {
            for (const auto& item : list)
                if (item.origin.imported())
                    m_editedKeys.insert(key(item.origin));
        };
        auto scopeKeys = [&](const WsgiScope& s) {
            add(s.directives);
            add(s.daemons);
            add(s.imports);
            add(s.aliases);
        };
        scopeKeys(m.server);
        add(m.containers);
        add(m.virtualHosts);
        for (const VirtualHostBlock& h : m.virtualHosts)
            scopeKeys(h.scope);
        for (const MpmBlock& b : m.mpm)
            add(b.values);
    }

    // A file written with CRLF line endings keeps them in the lines that are rewritten.
    std::string sameEndings(std::string text, const Origin& origin) const
    {
        auto it = m_nodes.find(key(origin));
        if (it == m_nodes.end() || it->second->text.size() < 2 ||
            it->second->text.compare(it->second->text.size() - 2, 2, "\r\n") != 0)
            return text;
        std::string out;
        for (char c : text) {
            if (c == '\n')
                out += '\r';
            out += c;
        }
        return out;
    }

    void removeOrDrop(const Origin& origin)
    {
        auto dropped = m_dropped.find(key(origin));
        auto node = m_nodes.find(key(origin));
        if (node == m_nodes.end())
            return;
        // Kept by the user but not writable for the target (an Error finding says why): as it was.
        if (dropped == m_dropped.end() && m_editedKeys.count(key(origin)))
            return;
        std::string whole = node->second->text;
        if (node->second->isSection()) {
            whole.clear();
            appendOriginal(*node->second, whole);
        }
        m_replace[key(origin)] =
            dropped == m_dropped.end() ? std::string() : commentOut(whole, dropped->second, indentOf(whole));
    }

    // Items of one kind: unchanged ones keep their bytes, changed ones are re-rendered in place, removed
    // ones go; new ones are returned for the caller to place.
    template <typename T, typename Render>
    std::string items(const std::vector<T>& before, const std::vector<T>& after, Render render,
                      const std::string& newIndent = {})
    {
        std::string added;
        for (const T& item : after) {
            const T* old = item.origin.imported() ? findByOrigin(before, item.origin) : nullptr;
            if (!old) {
                added += render(item, newIndent);
                continue;
            }
            if (!(item == *old) || !item.notes.lines.empty())
                m_replace[key(item.origin)] = sameEndings(render(item, indentAt(item.origin)), item.origin);
        }
        for (const T& old : before)
            if (!findByOrigin(after, old.origin))
                removeOrDrop(old.origin);
        return added;
    }

    void scope(const WsgiScope& before, const WsgiScope& after, const VirtualHostBlock* host)
    {
        const std::string indent = host ? "    " : "";
        std::string added;
        added += items(
            before.directives, after.directives,
            [&](const WsgiDirective& d, const std::string& i) {
                return renderWsgiDirective(d, m_options, i);
            },
            indent);
        added += items(
            before.daemons, after.daemons,
            [&](const DaemonProcess& d, const std::string& i) {
                return renderDaemonProcess(d, m_options, i);
            },
            indent);
        // New import scripts (the 4.9 stand-ins) go right after the daemon group they load into.
        std::vector<ImportScript> imports;
        for (const ImportScript& i : after.imports) {
            const std::string* group = i.options.find("process-group");
            const DaemonProcess* daemon = nullptr;
            for (const DaemonProcess& d : after.daemons)
                if (group && d.name == *group && d.origin.imported())
                    daemon = &d;
            if (!i.origin.imported() && daemon)
                m_after[key(daemon->origin)] += renderImportScript(i, m_options, indentAt(daemon->origin));
            else
                imports.push_back(i);
        }
        added += items(
            before.imports, imports,
            [&](const ImportScript& s, const std::string& i) { return renderImportScript(s, m_options, i); },
            indent);
        added += items(
            before.aliases, after.aliases,
            [&](const ScriptAlias& a, const std::string& i) { return renderScriptAlias(a, m_options, i); },
            indent);
        if (added.empty())
            return;
        if (host)
            m_beforeClose[key(host->origin)] += added;
        else
            m_mainTail += added;
    }

    void mpm(const WsgiModel& before, const WsgiModel& after)
    {
        std::map<NodeKey, const MpmValue*> old;
        for (const MpmBlock& b : before.mpm)
            for (const MpmValue& v : b.values)
                old[key(v.origin)] = &v;
        for (const MpmBlock& b : after.mpm) {
            std::string added;
            for (const MpmValue& v : b.values) {
                auto it = v.origin.imported() ? old.find(key(v.origin)) : old.end();
                if (it == old.end()) {
                    added += renderMpmValue(v, b.module ? "    " : "");
                    continue;
                }
                if (!(v == *it->second))
                    m_replace[key(v.origin)] = sameEndings(renderMpmValue(v, indentAt(v.origin)), v.origin);
                old.erase(it);
            }
            if (added.empty())
                continue;
            if (b.module && b.origin.imported())
                m_beforeClose[key(b.origin)] += added;
            else if (b.module)
                m_mainTail +=
                    "<IfModule " + std::string(mpmModuleName(*b.module)) + ">\n" + added + "</IfModule>\n";
            else
                m_mainTail += added;
        }
        for (const auto& [k, v] : old)
            removeOrDrop(v->origin);
    }

    std::string renderHost(const VirtualHostBlock& host) const { return renderVirtualHost(host, m_options); }

    static void appendOriginal(const ConfigNode& node, std::string& out)
    {
        out += node.text;
        for (const ConfigNode& child : node.children)
            appendOriginal(child, out);
        out += node.closeText;
    }

    void emit(int file, const std::vector<ConfigNode>& nodes, std::string& out) const
    {
        for (const ConfigNode& node : nodes) {
            const NodeKey k{file, node.offset};
            if (auto r = m_replace.find(k); r != m_replace.end()) {
                out += r->second;
            } else {
                out += node.text;
                emit(file, node.children, out);
                if (auto b = m_beforeClose.find(k); b != m_beforeClose.end())
                    out += b->second;
                out += node.closeText;
            }
            if (auto a = m_after.find(k); a != m_after.end())
                out += a->second;
        }
    }

    const ImportedConfig& m_in;
    const RenderOptions& m_options;
    std::map<NodeKey, const ConfigNode*> m_nodes;
    std::map<NodeKey, std::string> m_dropped;     // whole nodes the target cannot have, and why
    std::set<NodeKey> m_editedKeys;               // imported items the edited model still has
    std::map<NodeKey, std::string> m_replace;     // node (whole section included) -> new text
    std::map<NodeKey, std::string> m_after;       // text to add after a node
    std::map<NodeKey, std::string> m_beforeClose; // text to add before a section's closing line
    std::string m_mainTail;                       // new top-level items, at the end of the main file
};

} // namespace

DocumentExport exportDocument(const ImportedConfig& imported, const WsgiModel& edited, RenderOptions options)
{
    if (options.fileNames.empty())
        options.fileNames = imported.fileNames();
    return Exporter(imported, options).run(edited);
}

} // namespace wsgi::config
