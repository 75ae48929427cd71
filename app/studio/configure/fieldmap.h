#pragma once
// Which field of the Configure page each line of the engine text belongs to, and back: a finding's line
// leads to its field, a click on a preview line selects the field, a field leads to its preview line.

#include "configure/findingsmodel.h"

#include <QHash>
#include <QString>

#include <vector>

namespace wsgi::studio {

struct FieldRef
{
    enum class Kind
    {
        None,
        Group,     // group (and option)
        Mount,     // index
        Container, // index
        Directive, // directive
        Mpm,       // directive
    };
    Kind kind = Kind::None;
    QString group;
    QString option;
    QString directive;
    int index = -1;
};

class FieldMap
{
public:
    FieldMap() = default;
    explicit FieldMap(const QString& engineText);

    FieldRef at(int line) const;                      // 1-based
    FieldRef at(int line, const QString& word) const; // word under the cursor picks the option
    int lineOf(const QString& group, const QString& option = {}) const;
    int lineOfDirective(const QString& name) const;

    // The document's findings with their fields (an option named in the message refines a group's).
    std::vector<FindingEntry> entries(const std::vector<config::Finding>& findings) const;

private:
    QHash<int, FieldRef> m_lines;
    QHash<QString, int> m_groupLine;
    QHash<QString, int> m_optionLine; // "group\noption"
    QHash<QString, int> m_directiveLine;
};

} // namespace wsgi::studio
