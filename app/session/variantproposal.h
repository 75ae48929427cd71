#pragma once
// A configuration change proposed somewhere in the studio (the Monitor page's diagnosis, a sweep
// builder) for the Benchmark page to turn into a variant: named changes to daemon-group options of
// the current document. A value type, so the page that proposes and the page that builds runs never
// call each other; the main window passes it along.

#include <QMetaType>
#include <QString>

#include <vector>

namespace wsgi::studio {

struct OptionChange
{
    QString group;  // WSGIDaemonProcess name
    QString option; // "processes", "threads", "switch-interval" (engine extension), ...
    QString value;  // as it would be written in the Apache text
};

struct VariantProposal
{
    QString name;   // short, shown as the variant's name: "4x1", "threads=10"
    QString reason; // why it is proposed, with the figures: "GIL-bound: p95 GIL wait 9.8 ms ..."
    std::vector<OptionChange> changes;
};

} // namespace wsgi::studio

Q_DECLARE_METATYPE(wsgi::studio::VariantProposal)
