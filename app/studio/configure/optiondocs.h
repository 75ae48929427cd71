#pragma once
// What the Configure page says about each WSGIDaemonProcess option and top-level directive: unit,
// range and the parser's rule, the real default and whose it is (mod_wsgi 6.0 or 4.9), what the
// option does and when to change it, and what the engine does with it. Built from apache-config's
// option table (daemonoptions.h) and documentation (modwsgifeatures.h) plus the advice below.

#include "apache-config/daemonoptions.h"

#include <QString>
#include <QStringList>

namespace wsgi::studio {

struct OptionInfo
{
    QString name;
    config::OptionValueKind kind = config::OptionValueKind::Text;
    config::OptionSupport support = config::OptionSupport::Implemented;
    QString unit;     // "s", "ms", "bytes", "" for counts and text
    QString range;    // "1 – 65533", "> 0", "" when any value goes
    QString rule;     // how mod_wsgi reads the value: "whole seconds (atoi: '60s' reads 60, '1.5' reads 1)"
    QString default6; // mod_wsgi 6.0's default as it would be written, "" = unset
    QString default4; // mod_wsgi 4.9's, or "" when it has none
    bool inModWsgi4 = true;
    QString meaning;              // what it does
    QString advice;               // when to change it
    QString engineNote;           // what the engine does with it, "" when it implements it
    QString tooltip() const;      // rich text: all of the above
    QString defaultText() const;  // "15 (mod_wsgi 6.0 and 4.9)", "0.005 (mod_wsgi 6.0 only)"
    QString shortDefault() const; // "15", "0.005 · 6.0 only": the form's column (defaultText in the tooltip)
};

// Every option of the table, in its order (python= last: it is the engine's).
const QList<OptionInfo>& daemonOptionInfos();
const OptionInfo* findOptionInfo(const QString& name);

// The value mod_wsgi uses when the option is not written, for "changed from default" (an option
// written with its default value is not a change).
bool isDefaultValue(const OptionInfo& info, const QString& value);

struct DirectiveInfo
{
    QString name;
    QStringList values; // "On", "Off" for switches; empty for free text
    QString unit;
    QString defaultText;
    QString tooltip;
};
const QList<DirectiveInfo>& topLevelDirectiveInfos();

// What the engine's dispatch modes do, for the help beside the dispatch mode.
QString dispatchModeHelp();

} // namespace wsgi::studio
