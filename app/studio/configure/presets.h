#pragma once
// Starting points from the seed articles, applied to one daemon group (and the top-level directives
// they need), and the check that says when later edits have left the preset. Quick fixes for the
// findings that have an obvious one.

#include "apache-config/wsgimodel.h"
#include "configure/findingsmodel.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace wsgi::studio {

struct Preset
{
    QString id;
    QString name;
    QString description;                           // what it is for, and the seed it comes from
    QList<std::pair<QString, QString>> options;    // daemon options; "" value = not written
    QList<std::pair<QString, QString>> directives; // top-level; "" value = not written
    QString applicationGroup;                      // for the group's mounts; "" = leave them
    bool freeThreadedRuntime = false;              // python= must be a free-threaded runtime
    bool ownGilRuntime = false;                    // python= must allow own-GIL sub-interpreters (3.12+)
};

const QList<Preset>& presets();
const Preset* findPreset(const QString& id);

// The model with the preset applied to `group`; `runtime` fills python= when the preset needs one.
config::WsgiModel applyPreset(const config::WsgiModel& model, const Preset& preset, const QString& group,
                              const QString& runtime);
// What differs from the preset now, e.g. "threads=8 (preset: 1)"; empty while the preset holds.
QStringList presetDeviations(const config::WsgiModel& model, const Preset& preset, const QString& group);

struct QuickFix
{
    QString label; // the undo step's name, e.g. "Turn WSGIFreeThreading off"
    config::WsgiModel model;
};
std::optional<QuickFix> quickFixFor(const FindingEntry& entry, const config::WsgiModel& model);

} // namespace wsgi::studio
