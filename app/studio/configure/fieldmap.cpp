#include "configure/fieldmap.h"

#include "apache-config/configimport.h"
#include "configure/optiondocs.h"

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

FieldMap::FieldMap(const QString& engineText)
{
    const std::string text = engineText.toStdString();
    const config::ParseResult parsed = config::parseEngineConfig(text, "engine.conf");
    for (const config::DaemonGroup& g : parsed.config.groups) {
        const QString name = QString::fromStdString(g.name);
        m_groupLine.insert(name, g.where.line);
        m_lines.insert(g.where.line, {FieldRef::Kind::Group, name, {}, {}, -1});
        for (const auto& [option, line] : g.optionLines) {
            const QString o = QString::fromStdString(option);
            m_optionLine.insert(name + u'\n' + o, line);
            if (line != g.where.line)
                m_lines.insert(line, {FieldRef::Kind::Group, name, {}, {}, -1}); // continuation lines
        }
    }
    config::ImportOptions options;
    options.dialect = config::Dialect::Engine;
    const config::ImportedConfig imported = config::importConfig(text, "engine.conf", options);
    const config::WsgiModel& m = imported.model;
    for (std::size_t i = 0; i < m.server.aliases.size(); ++i)
        m_lines.insert(m.server.aliases[i].origin.line, {FieldRef::Kind::Mount, {}, {}, {}, int(i)});
    for (const config::WsgiDirective& d : m.server.directives) {
        const QString name = QString::fromStdString(d.name);
        m_directiveLine.insert(name, d.origin.line);
        m_lines.insert(d.origin.line, {FieldRef::Kind::Directive, {}, {}, name, -1});
    }
    for (std::size_t i = 0; i < m.containers.size(); ++i) {
        m_lines.insert(m.containers[i].origin.line, {FieldRef::Kind::Container, {}, {}, {}, int(i)});
        for (const config::WsgiDirective& d : m.containers[i].directives)
            m_lines.insert(d.origin.line,
                           {FieldRef::Kind::Container, {}, {}, QString::fromStdString(d.name), int(i)});
    }
    for (const config::MpmBlock& b : m.mpm)
        for (const config::MpmValue& v : b.values) {
            const QString name = QString::fromStdString(v.name);
            m_directiveLine.insert(name, v.origin.line);
            m_lines.insert(v.origin.line, {FieldRef::Kind::Mpm, {}, {}, name, -1});
        }
}

FieldRef FieldMap::at(int line) const
{
    return m_lines.value(line);
}

FieldRef FieldMap::at(int line, const QString& word) const
{
    FieldRef ref = at(line);
    if (ref.kind == FieldRef::Kind::Group) {
        const QString key = word.section(u'=', 0, 0);
        if (findOptionInfo(key))
            ref.option = key;
    }
    return ref;
}

int FieldMap::lineOf(const QString& group, const QString& option) const
{
    if (!option.isEmpty())
        if (const int line = m_optionLine.value(group + u'\n' + option))
            return line;
    return m_groupLine.value(group);
}

int FieldMap::lineOfDirective(const QString& name) const
{
    return m_directiveLine.value(name);
}

std::vector<FindingEntry> FieldMap::entries(const std::vector<config::Finding>& findings) const
{
    std::vector<FindingEntry> out;
    for (const config::Finding& f : findings) {
        FindingEntry e{f, {}, {}, {}, f.where.line};
        const FieldRef ref = at(f.where.line);
        const QString message = QString::fromStdString(f.message);
        if (ref.kind == FieldRef::Kind::Group) {
            e.group = ref.group;
            // The longest option name the message cites: "'request-timeout'" beats "'timeout'".
            for (const OptionInfo& info : daemonOptionInfos())
                if ((message.contains(info.name + u'=') || message.contains(u'\'' + info.name + u'\'')) &&
                    info.name.size() > e.option.size())
                    e.option = info.name;
        } else if (ref.kind == FieldRef::Kind::Directive || ref.kind == FieldRef::Kind::Mpm) {
            e.directive = ref.directive;
        }
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace wsgi::studio
